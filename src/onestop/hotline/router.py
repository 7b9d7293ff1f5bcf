"""The suggested department: a scikit-learn text classifier (linear SVM) over character n-grams
and jieba words of the ticket's text and address, in simplified characters (traditional ones are
converted first, so a model trained on either serves both), combined with the place and with
the keyword rules an administrator keeps:

1. The classifier learns matters, not places: the names of the district's streets, towns and
   communities are masked out of its text, and every street office's label is learnt as one
   class, 属地 (LOCAL) — "a matter of the street or town where it happens".
2. A suggestion of LOCAL becomes the street office of the ticket's place (its community or
   street, or a place name in its address or text); with no place it says so.
3. An active keyword rule (RoutingRule) that matches the text comes first, before the model.

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
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q

from onestop.hotline.errors import HotlineError
from onestop.hotline.models import Dispatch, RouterModel, RoutingRule
from onestop.hotline.text import parse_keywords, raw_words, simplified, words
from onestop.hotline.workflow import DispatchStatus
from onestop.org.models import Department, Region

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


# The class of matters that belong to the street office or town government of the place.
LOCAL = "属地街道/镇"
# What a LOCAL suggestion says when the ticket names no place the router knows.
LOCAL_UNKNOWN = "属地街道/镇（地点不明，请核实）"


def mask_places(texts: Iterable[str], pattern: str = "") -> list[str]:
    """The texts without the district's place names (the classifier's first step)."""
    if not pattern:
        return [str(t) for t in texts]
    found = re.compile(pattern)
    return [found.sub(" ", simplified(str(t))) for t in texts]


def build_pipeline(*, normalise: bool = True, place_pattern: str = "") -> Any:
    """Character 1–2-grams and jieba words (1–2) with TF-IDF into a linear SVM.

    Measured with bench/routing.py on tickets worded as the model never saw: character
    1–2-grams beat 1–3-grams (0.52 against 0.40: longer grams learn the wording, not the
    matter), and the SVM beat logistic regression (0.44) and SGD (0.46) at a tenth of the
    training time; a calibrated SVM lost accuracy (0.45). Classes are weighted by their
    size ("balanced"): 属地 gathers the seven street offices' tickets and otherwise drew
    district bureaus' matters to it (0.71 → 0.73 on the held-out wordings of the demo set)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer
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
    places = FunctionTransformer(mask_places, kw_args={"pattern": place_pattern})
    return Pipeline(
        [
            ("places", places),
            ("features", FeatureUnion([("chars", chars), ("words", word_vec)])),
            ("clf", LinearSVC(C=0.5, class_weight="balanced")),
        ]
    )


# Sharpness of the softmax that turns the SVM's margins into the confidence shown.
CONFIDENCE_SCALE = 4.0


# --- reading a training file -------------------------------------------------------------------


def _rows_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HotlineError(
            "文件不是 UTF-8 编码的 CSV，请另存为 UTF-8 后再试", field="file"
        ) from exc
    return list(csv.reader(io.StringIO(text)))


def _rows_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise HotlineError("无法读取 Excel 文件（应为 .xlsx）", field="file") from exc
    sheet = wb.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def read_labelled(path: Path) -> tuple[list[str], list[str]]:
    """(texts, departments) from a CSV or XLSX file with the header `text,department`.

    Every bad row is listed in one HotlineError, and nothing is used from a bad file."""
    if not path.exists():
        raise HotlineError(f"文件不存在：{path}", field="file")
    data = path.read_bytes()
    rows = _rows_xlsx(data) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(data)
    if not rows:
        raise HotlineError("文件为空", field="file")
    header = [h.strip().lower() for h in rows[0]]
    if "text" not in header or "department" not in header:
        raise HotlineError("第 1 行应为表头，包含 text 和 department 两列", field="file")
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
            raise HotlineError(f"文件超过 {MAX_ROWS} 行", field="file")
    if errors:
        raise HotlineError(
            "；".join(errors[:20]) + ("……" if len(errors) > 20 else ""), field="file"
        )
    if len(set(labels)) < 2:
        raise HotlineError("至少需要两个部门的样本才能训练", field="file")
    return texts, labels


# --- training, storing, loading ----------------------------------------------------------------


def fit(
    texts: list[str], labels: list[str], *, normalise: bool = True, places: Places | None = None
) -> Any:
    """Train on labelled texts; with `places`, place names are masked and street offices'
    labels learnt as LOCAL (see the module's docstring)."""
    pattern = places.pattern if places is not None else ""
    offices = places.offices if places is not None else frozenset()
    pipeline = build_pipeline(normalise=normalise, place_pattern=pattern)
    pipeline.fit(texts, [LOCAL if label in offices else label for label in labels])
    return pipeline


def store(pipeline: Any, *, samples: int, source: str, now: datetime) -> Any:
    """Write the model file and record its digest (the only file load() will accept)."""
    import joblib

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


# --- places and keyword rules ------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """The district's place names, each with the street office (or town government) whose
    ground it is: a street's name and the names of its communities."""

    office_of: dict[str, str]  # place name → department name

    @cached_property
    def offices(self) -> frozenset[str]:
        return frozenset(self.office_of.values())

    @cached_property
    def pattern(self) -> str:
        names = sorted(self.office_of, key=len, reverse=True)  # longest first: 玉泉街道 before 玉泉
        return "|".join(re.escape(n) for n in names)

    @cached_property
    def _compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    def office_for(self, *texts: str) -> str | None:
        """The office of the first text that names a place: the earliest name in it."""
        if not self.office_of:
            return None
        for text in texts:
            match = self._compiled.search(simplified(text or ""))
            if match:
                return self.office_of[match.group()]
        return None


def places() -> Places:
    """Places from the database: every street office's region and the communities in it."""
    office_of: dict[str, str] = {}
    for dept in Department.objects.filter(kind=Department.Kind.STREET_OFFICE).select_related(
        "region"
    ):
        office_of[simplified(dept.region.name)] = dept.name
        for name in Region.objects.filter(parent=dept.region).values_list("name", flat=True):
            office_of[simplified(name)] = dept.name
    return Places(office_of)


@dataclass(frozen=True)
class Rule:
    """A keyword rule as the router applies it (from RoutingRule)."""

    alternatives: tuple[tuple[str, ...], ...]  # any alternative, all of its parts
    department: str  # a department's name, or LOCAL

    def match(self, text: str) -> tuple[str, ...] | None:
        """The most specific alternative found in the (simplified, lower-case) text."""
        hits = [alt for alt in self.alternatives if all(part in text for part in alt)]
        return max(hits, key=specificity) if hits else None


def specificity(alternative: tuple[str, ...]) -> tuple[int, int]:
    """More parts, then more characters: 学校+食物中毒 outranks 食物中毒."""
    return len(alternative), sum(len(p) for p in alternative)


def rules() -> list[Rule]:
    return [
        Rule(parse_keywords(r.keywords), r.department.name if r.department else LOCAL)
        for r in RoutingRule.objects.filter(active=True).select_related("department")
    ]


def best_rule(found: Sequence[Rule], text: str) -> tuple[Rule, tuple[str, ...]] | None:
    plain = simplified(text).lower()
    hits = [(rule, alt) for rule in found if (alt := rule.match(plain)) is not None]
    return max(hits, key=lambda h: specificity(h[1])) if hits else None


# --- suggesting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    department: str
    confidence: float
    alternatives: list[tuple[str, float]]
    reason: str = ""  # why the first one: a keyword rule, the place of a local matter

    @property
    def ranked(self) -> list[str]:
        return [self.department] + [d for d, _ in self.alternatives]


def rank(model: Any, texts: list[str]) -> list[list[tuple[str, float]]]:
    """Every class for each text, most likely first, with the softmax of the SVM's margins:
    it ranks departments and shows how far ahead the first is, not a calibrated probability."""
    import numpy as np

    if not texts:
        return []
    scores = np.atleast_2d(model.decision_function(texts))
    if len(model.classes_) == 2:  # one margin for the second class against the first
        scores = np.column_stack([-scores.ravel(), scores.ravel()])
    out = []
    for row in scores:
        weights = np.exp(CONFIDENCE_SCALE * (row - row.max()))
        probs = weights / weights.sum()
        ranked = sorted(zip(model.classes_, probs, strict=True), key=lambda x: -x[1])
        out.append([(str(c), float(p)) for c, p in ranked])
    return out


def combine(
    ranked: list[tuple[str, float]],
    text: str,
    *,
    place: str = "",
    found_rules: Sequence[Rule] = (),
    known: Places | None = None,
    exclude: Iterable[str] = (),
) -> Suggestion | None:
    """The model's ranking with LOCAL resolved to the place's office, a matching keyword rule
    first, and the excluded departments (those that sent the ticket back) left out."""

    def local() -> str:
        office = known.office_for(place, text) if known is not None else None
        return office or LOCAL_UNKNOWN

    out: list[tuple[str, float]] = [(local() if d == LOCAL else d, p) for d, p in ranked]
    reason = ""
    if ranked and ranked[0][0] == LOCAL:
        reason = f"属地事项，按地点交{out[0][0]}" if out[0][0] != LOCAL_UNKNOWN else "属地事项"
    hit = best_rule(found_rules, text)
    if hit is not None:
        rule, alt = hit
        first = local() if rule.department == LOCAL else rule.department
        out = [(first, 1.0)] + [x for x in out if x[0] != first]
        reason = f"关键词规则“{'+'.join(alt)}”"
    skip = set(exclude)
    seen: set[str] = set()
    kept = []
    for dept, p in out:
        if dept not in skip and dept not in seen:
            seen.add(dept)
            kept.append((dept, p))
    if not kept:
        return None
    if kept[0][0] != out[0][0]:
        reason = "已排除退单部门"
    return Suggestion(kept[0][0], kept[0][1], kept[1:3], reason)


def suggest(
    text: str,
    pipeline: Any | None = None,
    *,
    place: str = "",
    found_rules: Sequence[Rule] = (),
    known: Places | None = None,
    exclude: Iterable[str] = (),
) -> Suggestion | None:
    """The most likely department for a ticket's text, with its confidence and runners-up
    (the current model when none is given)."""
    if not text.strip():
        return None
    model = pipeline if pipeline is not None else load()
    ranked = rank(model, [text])[0] if model is not None else []
    return combine(ranked, text, place=place, found_rules=found_rules, known=known, exclude=exclude)


def suggest_for_ticket(
    content: str, address: str = "", region: str = "", *, exclude: Iterable[str] = ()
) -> Suggestion | None:
    """suggest() with the current model, the administrator's rules and the district's places;
    the place of a local matter is looked for in the region, the address, then the text.
    A broken model gives no suggestion (logged): it must never stop a call being taken."""
    try:
        return suggest(
            ticket_text(content, address, region),
            place=" ".join(p for p in (region, address) if p),
            found_rules=rules(),
            known=places(),
            exclude=exclude,
        )
    except Exception:  # sklearn/joblib raise many kinds for a model that does not fit
        log.exception("hotline router failed")
        return None


# --- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    # department, precision, recall (its accuracy), top-3 recall, support
    rows: list[tuple[str, float, float, float, int]]
    accuracy: float
    top3: float
    total: int


def evaluate(
    pipeline: Any,
    texts: list[str],
    labels: list[str],
    *,
    found_rules: Sequence[Rule] = (),
    known: Places | None = None,
) -> Report:
    """The router's figures on labelled texts: what suggest() would say for each."""
    ranked = rank(pipeline, texts)
    suggestions = [
        combine(r, t, found_rules=found_rules, known=known)
        for r, t in zip(ranked, texts, strict=True)
    ]
    tops = [s.ranked if s else [] for s in suggestions]
    return report(labels, [t[0] if t else "" for t in tops], [t[:3] for t in tops])


def report(
    truth: Iterable[str], predicted: Iterable[str], top3: Iterable[list[str]] | None = None
) -> Report:
    truth, predicted = list(truth), list(predicted)
    firsts = top3 if top3 is not None else [[p] for p in predicted]
    pairs = list(zip(truth, predicted, firsts, strict=True))
    tp: Counter[str] = Counter()
    in3: Counter[str] = Counter()
    said: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for t, p, three in pairs:
        support[t] += 1
        said[p] += 1
        tp[t] += t == p
        in3[t] += t in three
    rows = [
        (
            d,
            tp[d] / said[d] if said[d] else 0.0,
            tp[d] / support[d] if support[d] else 0.0,
            in3[d] / support[d] if support[d] else 0.0,
            support[d],
        )
        for d in sorted(set(support) | set(said))
        if d
    ]
    n = len(pairs)
    return Report(rows, sum(tp.values()) / n if n else 0.0, sum(in3.values()) / n if n else 0.0, n)


def department_for_label(label: str) -> Any:
    """The Department a model label names (full name, short name or key), or None."""
    return Department.objects.filter(Q(name=label) | Q(short_name=label) | Q(key=label)).first()


def past_tickets() -> tuple[list[str], list[str]]:
    """Training rows from tickets whose lead department replied (not sent back): the
    department that really handled it is the label."""
    rows = (
        Dispatch.objects.filter(lead=True, status=DispatchStatus.REPLIED)
        .select_related("ticket", "ticket__region", "department")
        .order_by("pk")
    )
    texts, labels = [], []
    for d in rows.iterator():
        t = d.ticket
        texts.append(ticket_text(t.content, t.address, t.region.name if t.region else ""))
        labels.append(d.department.name)
    return texts, labels
