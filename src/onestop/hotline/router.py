"""The suggested department: a scikit-learn text classifier (linear SVM) over character n-grams
and jieba words of the ticket's text and address, in simplified characters (traditional ones are
converted first, so a model trained on either serves both).

The trained pipeline is a joblib file (HOTLINE_ROUTER_PATH, default var/hotline_router.joblib).
joblib files are pickles and run code when loaded, so a file is loaded only when its SHA-256
matches the digest recorded in the database by `train_router`: a file swapped on disk is
refused, never unpickled.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from onestop.cases.errors import CaseError
from onestop.hotline.text import raw_words, simplified, words

log = logging.getLogger("onestop.hotline")
_cache_lock = threading.Lock()
_loaded: dict[str, Any] = {}
MAX_ROWS = 200_000
MAX_TEXT = 4000


def model_path() -> Path:
    return Path(
        getattr(settings, "HOTLINE_ROUTER_PATH", "")
        or Path(settings.VAR_DIR) / "hotline_router.joblib"
    )


def ticket_text(content: str, address: str = "", region: str = "") -> str:
    """What the router reads of a ticket: its content, then its place."""
    return " ".join(p for p in (content.strip(), address.strip(), region.strip()) if p)


def build_pipeline(*, normalise: bool = True) -> Any:
    """Character 1–2-grams and jieba words (1–2) with TF-IDF into a linear SVM.

    Measured with bench/routing.py on tickets worded as the model never saw: character
    1–2-grams beat 1–3-grams (0.52 against 0.40: longer grams learn the wording, not the
    matter), and the SVM beat logistic regression (0.44) and SGD (0.46) at a tenth of the
    training time; a calibrated SVM lost accuracy (0.45)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    pre = simplified if normalise else None
    chars = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2, preprocessor=pre
    )
    word_vec = TfidfVectorizer(
        tokenizer=words if normalise else raw_words,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1,
    )
    return Pipeline(
        [
            ("features", FeatureUnion([("chars", chars), ("words", word_vec)])),
            ("clf", LinearSVC(C=0.5)),
        ]
    )


# Sharpness of the softmax that turns the SVM's margins into the confidence shown.
CONFIDENCE_SCALE = 4.0


# --- reading a training file -------------------------------------------------------------------


def _rows_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseError("文件不是 UTF-8 编码的 CSV，请另存为 UTF-8 后再试", field="file") from exc
    return list(csv.reader(io.StringIO(text)))


def _rows_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise CaseError("无法读取 Excel 文件（应为 .xlsx）", field="file") from exc
    sheet = wb.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def read_labelled(path: Path) -> tuple[list[str], list[str]]:
    """(texts, departments) from a CSV or XLSX file with the header `text,department`.

    Every bad row is listed in one CaseError, and nothing is used from a bad file."""
    if not path.exists():
        raise CaseError(f"文件不存在：{path}", field="file")
    data = path.read_bytes()
    rows = _rows_xlsx(data) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(data)
    if not rows:
        raise CaseError("文件为空", field="file")
    header = [h.strip().lower() for h in rows[0]]
    if "text" not in header or "department" not in header:
        raise CaseError("第 1 行应为表头，包含 text 和 department 两列", field="file")
    ti, di = header.index("text"), header.index("department")
    texts: list[str] = []
    labels: list[str] = []
    errors: list[str] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        text = row[ti].strip() if ti < len(row) else ""
        dept = row[di].strip() if di < len(row) else ""
        if not text or not dept:
            errors.append(f"第 {n} 行缺少{'text' if not text else 'department'}")
        elif len(text) > MAX_TEXT:
            errors.append(f"第 {n} 行 text 超过 {MAX_TEXT} 字")
        else:
            texts.append(text)
            labels.append(dept)
        if len(texts) > MAX_ROWS:
            raise CaseError(f"文件超过 {MAX_ROWS} 行", field="file")
    if errors:
        raise CaseError("；".join(errors[:20]) + ("……" if len(errors) > 20 else ""), field="file")
    if len(set(labels)) < 2:
        raise CaseError("至少需要两个部门的样本才能训练", field="file")
    return texts, labels


# --- training, storing, loading ----------------------------------------------------------------


def fit(texts: list[str], labels: list[str], *, normalise: bool = True) -> Any:
    pipeline = build_pipeline(normalise=normalise)
    pipeline.fit(texts, labels)
    return pipeline


def store(pipeline: Any, *, samples: int, source: str, now: datetime) -> Any:
    """Write the model file and record its digest (the only file load() will accept)."""
    import joblib

    from onestop.hotline.models import RouterModel

    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    data = buffer.getvalue()
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)  # atomic: a reader sees the old file or the new one
    record = RouterModel.objects.create(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        trained_at=now,
        samples=samples,
        departments=sorted(str(c) for c in pipeline.classes_),
        source=source[:300],
    )
    with _cache_lock:
        _loaded.clear()
    return record


def load() -> Any | None:
    """The current model, or None when none is trained (or its file does not match)."""
    import joblib

    from onestop.hotline.models import RouterModel

    record = RouterModel.objects.first()
    if record is None:
        return None
    with _cache_lock:
        if record.sha256 in _loaded:
            return _loaded[record.sha256]
    path = Path(record.path)
    try:
        data = path.read_bytes()
    except OSError:
        log.warning("hotline router: model file %s is missing", path)
        return None
    if hashlib.sha256(data).hexdigest() != record.sha256:
        log.error("hotline router: %s does not match its recorded digest; not loaded", path)
        return None
    pipeline = joblib.load(io.BytesIO(data))  # noqa: S301 - digest checked above
    with _cache_lock:
        _loaded.clear()
        _loaded[record.sha256] = pipeline
    return pipeline


@dataclass(frozen=True)
class Suggestion:
    department: str
    confidence: float
    alternatives: list[tuple[str, float]]


def suggest(text: str, pipeline: Any | None = None) -> Suggestion | None:
    """The most likely department for a ticket's text, with its confidence and runners-up.

    The confidence is a softmax of the SVM's margins: it ranks departments and shows how far
    ahead the first is, not a calibrated probability."""
    model = pipeline if pipeline is not None else load()
    if model is None or not text.strip():
        return None
    import numpy as np

    scores = np.atleast_1d(model.decision_function([text])[0])
    if len(model.classes_) == 2:  # one margin for the second class against the first
        scores = np.array([-scores[0], scores[0]])
    weights = np.exp(CONFIDENCE_SCALE * (scores - scores.max()))
    probs = weights / weights.sum()
    ranked = sorted(zip(model.classes_, probs, strict=True), key=lambda x: -x[1])
    top = [(str(c), float(p)) for c, p in ranked[:3]]
    return Suggestion(top[0][0], top[0][1], top[1:])


# --- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    rows: list[tuple[str, float, float, int]]  # department, precision, recall, support
    accuracy: float
    total: int


def evaluate(pipeline: Any, texts: list[str], labels: list[str]) -> Report:
    predicted = list(pipeline.predict(texts)) if texts else []
    return report(labels, [str(p) for p in predicted])


def report(truth: Iterable[str], predicted: Iterable[str]) -> Report:
    pairs = list(zip(truth, predicted, strict=True))
    tp: Counter[str] = Counter()
    said: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for t, p in pairs:
        support[t] += 1
        said[p] += 1
        if t == p:
            tp[t] += 1
    rows = [
        (
            d,
            tp[d] / said[d] if said[d] else 0.0,
            tp[d] / support[d] if support[d] else 0.0,
            support[d],
        )
        for d in sorted(set(support) | set(said))
    ]
    correct = sum(tp.values())
    return Report(rows, correct / len(pairs) if pairs else 0.0, len(pairs))


def department_for_label(label: str) -> Any:
    """The Department a model label names (full name, short name or key), or None."""
    from django.db.models import Q

    from onestop.org.models import Department

    return Department.objects.filter(Q(name=label) | Q(short_name=label) | Q(key=label)).first()


def past_tickets() -> tuple[list[str], list[str]]:
    """Training rows from tickets whose lead department replied (not sent back): the
    department that really handled it is the label."""
    from onestop.hotline.models import Dispatch

    rows = (
        Dispatch.objects.filter(lead=True, status=Dispatch.Status.REPLIED)
        .select_related("ticket", "ticket__region", "department")
        .order_by("pk")
    )
    texts, labels = [], []
    for d in rows.iterator():
        t = d.ticket
        texts.append(ticket_text(t.content, t.address, t.region.name if t.region else ""))
        labels.append(d.department.name)
    return texts, labels
