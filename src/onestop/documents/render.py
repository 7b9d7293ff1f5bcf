"""The written notices of a case and its certificate, as PDF with embedded Chinese text.

Each notice is drawn from the case's audit events (what was decided, when, why), so a notice
printed again later says what it said the first time. A notice that does not apply to the
case's history is refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from onestop.cases.models import Case, CaseEvent, Task
from onestop.documents import pdf
from onestop.documents.errors import DocumentError
from onestop.documents.models import Certificate
from onestop.org.models import Applicant, Window
from onestop.workdays.calendar import local_date

# Notice kinds, their titles and the audit events they are written from.
NOTICE_EVENTS: dict[str, tuple[str, ...]] = {
    "acceptance": ("accepted", "deemed_accepted"),
    "supplement": ("supplement_requested",),
    "not_accepted": ("not_accepted",),
    "decision": ("granted", "refused"),
}
NOTICE_TITLES = {
    "acceptance": "受理通知书",
    "supplement": "补正材料一次性告知书",
    "not_accepted": "不予受理决定书",
    "decision": "行政许可决定书",
}
DECISION_TITLES = {"granted": "准予行政许可决定书", "refused": "不予行政许可决定书"}
# The character of a document number (文号) per document: 受 for acceptance, and so on.
DOCNO_CHARS = {
    "accepted": "受",
    "deemed_accepted": "受",
    "supplement_requested": "补",
    "not_accepted": "不受",
    "granted": "许",
    "refused": "不许",
}
LAW = "《中华人民共和国行政许可法》"
TEXT_WIDTH = A4[0] - 54 * mm


def cn_date(value: date | datetime | None) -> str:
    """2026年3月10日 (a moment is taken in the centre's zone)."""
    if value is None:
        return ""
    day = local_date(value) if isinstance(value, datetime) else value
    return f"{day.year}年{day.month}月{day.day}日"


def _iso_date(text: str | None) -> str:
    """A date or an aware moment in ISO form, as a Chinese date."""
    if not text:
        return ""
    if "T" in text:
        return cn_date(datetime.fromisoformat(text))
    return cn_date(date.fromisoformat(text))


def notice_event(case: Case, kind: str) -> CaseEvent | None:
    """The latest audit event a notice of `kind` is written from, if the case has one."""
    kinds = NOTICE_EVENTS.get(kind)
    if not kinds:
        return None
    return CaseEvent.objects.filter(case=case, kind__in=kinds).order_by("-seq").first()


def available_notices(case: Case) -> list[tuple[str, str]]:
    """(kind, title) of every notice the case's history supports, in the order they arise."""
    found = set(
        CaseEvent.objects.filter(
            case=case, kind__in=[k for ks in NOTICE_EVENTS.values() for k in ks]
        ).values_list("kind", flat=True)
    )
    result = []
    for kind, events in NOTICE_EVENTS.items():
        hit = [e for e in events if e in found]
        if hit:
            title = DECISION_TITLES[hit[0]] if kind == "decision" else NOTICE_TITLES[kind]
            result.append((kind, title))
    return result


def notice_title(case: Case, kind: str) -> str:
    event = notice_event(case, kind)
    if event is not None and kind == "decision":
        return DECISION_TITLES[event.kind]
    return NOTICE_TITLES.get(kind, "")


def notice_filename(case: Case, kind: str) -> str:
    return f"{case.number}-{notice_title(case, kind)}.pdf"


def _docno(case: Case, event: CaseEvent) -> str:
    """<short name>受字〔2026〕第510403-20260310-0001号: the case number keeps it unique."""
    year = local_date(event.at).year
    return f"{case.department.short_name}{DOCNO_CHARS[event.kind]}字〔{year}〕第{case.number}号"


def _holder(applicant: Applicant) -> str:
    if applicant.kind == Applicant.Kind.ENTERPRISE and applicant.credit_code:
        return f"{applicant.name}（统一社会信用代码：{applicant.credit_code}）"
    return applicant.name


def _window(case: Case) -> str:
    window = (
        Window.objects.filter(zone__centre=case.centre, departments=case.department)
        .order_by("number")
        .first()
    )
    return f"{window.number} {window.name}" if window else ""


def _rights(case: Case) -> str:
    """Art. 38 and the reconsideration/litigation laws: how to challenge the decision."""
    government = f"{case.department.region.name}人民政府"
    return (
        "申请人如对本决定不服，可以自收到本决定书之日起六十日内依法向"
        f"{government}申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
    )


def _head(case: Case, event: CaseEvent, title: str, s: pdf.Styles) -> list[Flowable]:
    return [
        pdf.para(case.department.name, s.subtitle),
        pdf.para(title, s.title),
        pdf.para(_docno(case, event), s.docno),
        pdf.para(f"{case.applicant.name}：", ParagraphStyle("to", parent=s.item, leftIndent=0)),
    ]


def _sign(case: Case, event: CaseEvent, s: pdf.Styles) -> list[Flowable]:
    return [
        pdf.spacer(10),
        pdf.para(case.department.name, s.sign),
        pdf.para(cn_date(event.at), s.sign),
    ]


def _case_table(case: Case, rows: list[tuple[str, str]], s: pdf.Styles) -> Flowable:
    base = [
        ("办件编号", case.number),
        ("事项名称", case.item.name),
        ("申请人", _holder(case.applicant)),
    ]
    return pdf.table(base + rows, s, (34 * mm, TEXT_WIDTH - 34 * mm))


def _acceptance(case: Case, event: CaseEvent, s: pdf.Styles) -> list[Flowable]:
    data = event.data
    if event.kind == "deemed_accepted":
        opening = (
            f"你（单位）于{cn_date(case.received_at)}提交的{case.item.name}申请，"
            "本机关未在收到申请材料之日起五个工作日内一次告知需要补正的全部内容。"
            f"根据{LAW}第三十二条第一款第（四）项的规定，自收到申请材料之日起即为受理。"
        )
        accepted_on = cn_date(case.received_at)
    else:
        opening = (
            f"你（单位）提交的{case.item.name}申请，申请材料齐全、符合法定形式。"
            f"根据{LAW}第三十二条第一款第（五）项的规定，本机关决定予以受理。"
        )
        accepted_on = cn_date(event.at)
    due = _iso_date(data.get("due"))
    if due and data.get("provisional"):
        due += "（暂定：该年度节假日安排公布后重新计算）"
    if data.get("instant"):
        limits = [("办理时限", "即办件，当场办结")]
    else:
        limit = data.get("limit_days", case.limit_days)
        limits = [
            ("办理时限", f"{limit}个工作日（受理当日不计算在内）"),
            ("承诺办结日期", due),
        ]
    rows = [
        ("受理日期", accepted_on),
        *limits,
        ("查询码", case.query_code),
        ("受理网点", f"{case.centre.name}　{case.centre.address}".strip()),
    ]
    window = _window(case)
    if window:
        rows.append(("受理窗口", window))
    if case.centre.phone:
        rows.append(("咨询电话", case.centre.phone))
    out = [pdf.para(opening, s.body), pdf.spacer(2), _case_table(case, rows, s), pdf.spacer(4)]
    tolerated = data.get("tolerated") or []
    if tolerated:
        out.append(
            pdf.para("以下材料为容缺受理，请在办结前补交：" + "、".join(tolerated) + "。", s.body)
        )
    out.append(
        pdf.para(
            f"请妥善保管本通知书。你（单位）可凭办件编号和查询码在{settings.ONESTOP_DEPLOYMENT_NAME}查询办理进度；"
            "依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，所需时间不计算在办理时限内，"
            "本机关将书面告知。",
            s.body,
        )
    )
    return out


def _supplement(case: Case, event: CaseEvent, s: pdf.Styles) -> list[Flowable]:
    missing: list[str] = list(event.data.get("missing") or [])
    out = [
        pdf.para(
            f"你（单位）于{cn_date(case.received_at)}提交的{case.item.name}申请，经审查，"
            f"申请材料不齐全或者不符合法定形式。根据{LAW}第三十二条第一款第（四）项的规定，"
            f"现一次性告知你（单位）需要补正的全部内容（共{len(missing)}项）如下：",
            s.body,
        )
    ]
    out += [pdf.para(f"{n}. {name}", s.item) for n, name in enumerate(missing, 1)]
    note = (event.data.get("note") or "").strip()
    if note:
        out.append(pdf.para(f"说明：{note}", s.item))
    out += [
        pdf.spacer(2),
        pdf.para(
            "本告知书在收到申请材料之日起五个工作日内一次性作出"
            f"（收件日期：{cn_date(case.received_at)}；告知期限：{cn_date(case.supplement_due_at)}；"
            f"告知日期：{cn_date(event.at)}）。本机关不再要求补正上述以外的材料。"
            "补正材料期间不计算在办理时限内；请按上述清单一次补齐全部材料后提交，"
            "本机关收到全部补正材料后依法作出是否受理的决定。",
            s.body,
        ),
        pdf.spacer(2),
        _case_table(case, [("查询码", case.query_code)], s),
    ]
    return out


def _not_accepted(case: Case, event: CaseEvent, s: pdf.Styles) -> list[Flowable]:
    reasons = (event.data.get("reasons") or "").strip()
    return [
        pdf.para(
            f"你（单位）提交的{case.item.name}申请，经审查，根据{LAW}第三十二条的规定，"
            "本机关决定不予受理。理由如下：",
            s.body,
        ),
        pdf.para(reasons, s.item),
        pdf.para(_rights(case), s.body),
        pdf.spacer(2),
        _case_table(case, [("决定日期", cn_date(event.at))], s),
    ]


def _opinions(case: Case, s: pdf.Styles) -> list[Flowable]:
    """The co-departments' opinions (会签), shown with the decision."""
    tasks = (
        Task.objects.filter(case=case, kind=Task.Kind.OPINION, status=Task.Status.DONE)
        .select_related("department")
        .order_by("done_at", "pk")
    )
    rows = [["会签部门", "意见", "具体意见"]]
    for t in tasks:
        outcome = {"agree": "同意", "disagree": "不同意"}.get(t.outcome, t.outcome)
        rows.append([t.department.name, outcome, t.opinion])
    if len(rows) == 1:
        return []
    data = [[pdf.para(c, s.cell) for c in r] for r in rows]
    t = Table(data, colWidths=[52 * mm, 20 * mm, TEXT_WIDTH - 72 * mm], repeatRows=1)
    t.setStyle(pdf.table_style(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f3f3"))))
    return [pdf.para("相关部门会签意见：", s.item), t, pdf.spacer(3)]


def _decision(case: Case, event: CaseEvent, s: pdf.Styles) -> list[Flowable]:
    reasons = (event.data.get("reasons") or "").strip()
    if event.kind == "granted":
        out = [
            pdf.para(
                f"你（单位）提出的{case.item.name}申请，经审查，符合法定条件、标准。"
                f"根据{LAW}第三十四条、第三十八条第一款的规定，本机关决定准予行政许可。",
                s.body,
            )
        ]
        if reasons:
            out.append(pdf.para(f"审查意见：{reasons}", s.body))
        out += _opinions(case, s)
        if case.certificate_due_at:
            out.append(
                pdf.para(
                    f"根据{LAW}第四十四条的规定，本机关将自作出决定之日起十个工作日内"
                    f"（{cn_date(case.certificate_due_at)}前）向你（单位）颁发、送达行政许可证件。",
                    s.body,
                )
            )
    else:
        out = [
            pdf.para(
                f"你（单位）提出的{case.item.name}申请，经审查，不符合法定条件、标准。"
                f"根据{LAW}第三十八条第二款的规定，本机关决定不予行政许可。理由如下：",
                s.body,
            ),
            pdf.para(reasons, s.item),
            *_opinions(case, s),
            pdf.para(_rights(case), s.body),
        ]
    out += [pdf.spacer(2), _case_table(case, [("决定日期", cn_date(event.at))], s)]
    return out


BODIES = {
    "acceptance": _acceptance,
    "supplement": _supplement,
    "not_accepted": _not_accepted,
    "decision": _decision,
}


def render_notice(case: Case, kind: str) -> bytes:
    """The PDF notice of `kind` for the case; DocumentError if its history has no such notice."""
    if kind not in BODIES:
        raise DocumentError(f"没有“{kind}”这种文书", field="kind")
    event = notice_event(case, kind)
    if event is None:
        raise DocumentError(
            f"本办件没有{NOTICE_TITLES[kind]}（办理过程中未作出相应决定）", field="kind"
        )
    case = Case.objects.select_related(
        "item", "department", "department__region", "applicant", "centre"
    ).get(pk=case.pk)
    s = pdf.styles()
    title = notice_title(case, kind)
    flow = _head(case, event, title, s) + BODIES[kind](case, event, s) + _sign(case, event, s)
    return pdf.build(flow, title=f"{title} {case.number}", author=case.department.name)


# --- the certificate -------------------------------------------------------------------------


def _frame(canvas: Any, doc: Any) -> None:
    """A double border around the certificate page."""
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor("#a4161a"))
    canvas.setLineWidth(2.5)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    canvas.restoreState()


def certificate_rows(cert: Certificate) -> list[tuple[str, str]]:
    """What the certificate says, label by label, from its signed content."""
    c = cert.content
    rows = [
        ("证照编号", c.get("number", "")),
        ("证照名称", c.get("title", "")),
        ("持证人", c.get("holder", "")),
    ]
    if c.get("holder_id"):
        label = "统一社会信用代码" if c.get("holder_kind") == "enterprise" else "证件号码"
        rows.append((label, c["holder_id"]))
    rows += [(str(label), str(value)) for label, value in c.get("particulars", [])]
    rows += [
        ("发证机关", c.get("department", "")),
        ("发证日期", _iso_date(c.get("issued_on"))),
        ("有效期至", _iso_date(c.get("valid_until")) or "长期"),
        ("办件编号", c.get("case", "")),
    ]
    return rows


def render_certificate(cert: Certificate, *, verify_url: str) -> bytes:
    """The certificate as PDF, with a QR code of its public verification address."""
    s = pdf.styles()
    big = ParagraphStyle("cert-title", parent=s.title, fontSize=30, leading=42)
    flow: list[Flowable] = [
        pdf.spacer(6),
        pdf.para("电子证照", big),
        pdf.para(cert.content.get("title", cert.item_name), s.subtitle),
        pdf.spacer(8),
        pdf.table(certificate_rows(cert), s, (38 * mm, TEXT_WIDTH - 38 * mm)),
        pdf.spacer(8),
    ]
    if cert.status == Certificate.Status.REVOKED:
        revoked = ParagraphStyle("revoked", parent=s.title, textColor=colors.HexColor("#a4161a"))
        flow += [
            pdf.para("本证照已撤销", revoked),
            pdf.para(f"撤销日期：{cn_date(cert.revoked_at)}；理由：{cert.revoke_reason}", s.item),
            pdf.spacer(4),
        ]
    check = [
        pdf.para("扫描二维码或访问以下地址核验本证照真伪：", s.cell),
        pdf.para(verify_url, s.small),
        pdf.spacer(2),
        pdf.para(f"核验码：{cert.signature[:8]}", s.cell),
        pdf.para(f"电子签名（Ed25519，密钥标识 {cert.key_id}）：{cert.signature}", s.small),
    ]
    qr_size = 34 * mm
    side = Table(
        [[pdf.QrCode(verify_url, qr_size), check]],
        colWidths=[qr_size + 6 * mm, TEXT_WIDTH - qr_size - 6 * mm],
    )
    side.setStyle(pdf.table_style(grid=False))
    flow += [side, pdf.spacer(8), pdf.para(cert.content.get("department", ""), s.sign)]
    flow.append(pdf.para(_iso_date(cert.content.get("issued_on")), s.sign))
    return pdf.build(
        flow, title=f"电子证照 {cert.number}", author=cert.department.name, on_page=_frame
    )


def certificate_filename(cert: Certificate) -> str:
    return f"{cert.number}-电子证照.pdf"
