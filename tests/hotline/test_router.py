"""The department router: reading training files, training, the digest-checked model file,
traditional characters, and the train_router / evaluate_router commands."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from onestop.hotline import actions, router
from onestop.hotline.errors import HotlineError
from onestop.hotline.models import RouterModel, Ticket
from tests.hotline.conftest import NOW, new_ticket

# Any department names, not the demo's: a water company, a school board, a parks office.
SAMPLES = {
    "自来水公司": [
        "家里停水了三天，水龙头一滴水都没有",
        "水管爆裂，街上全是水",
        "自来水发黄有异味，不敢喝",
        "水表走得特别快，水费突然翻倍",
        "小区二次供水水压太低，六楼以上没水",
        "消防栓漏水好几天了",
    ],
    "教育委员会": [
        "孩子入学报名材料有哪些",
        "学校乱收补课费",
        "老师体罚学生，孩子不敢去上学",
        "校车超载，担心孩子安全",
        "幼儿园学位不够，孩子上不了学",
        "学校食堂饭菜质量差",
    ],
    "公园管理处": [
        "公园里的健身器材坏了",
        "公园晚上路灯不亮，散步很危险",
        "公园草坪被人挖去种菜",
        "公园厕所脏得没法进",
        "湖边护栏断了，小孩容易掉下去",
        "公园里有人遛狗不牵绳",
    ],
}


def rows() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for dept, items in SAMPLES.items():
        for text in items:
            texts.append(text)
            labels.append(dept)
    return texts, labels


def write_csv(path: Path, data: list[tuple[str, str]], header=("text", "department")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(data)
    return path


@pytest.fixture
def model_path(tmp_path, settings):
    settings.HOTLINE_ROUTER_PATH = str(tmp_path / "router.joblib")
    return tmp_path / "router.joblib"


@pytest.fixture
def training_csv(tmp_path) -> Path:
    texts, labels = rows()
    return write_csv(tmp_path / "train.csv", list(zip(texts, labels, strict=True)))


def test_it_reads_csv_and_xlsx(tmp_path, training_csv):
    texts, labels = router.read_labelled(training_csv)
    assert len(texts) == 18 and set(labels) == set(SAMPLES)
    wb = Workbook()
    ws = wb.active
    ws.append(["department", "text", "note"])  # any column order, extra columns ignored
    for t, d in zip(texts, labels, strict=True):
        ws.append([d, t, ""])
    wb.save(tmp_path / "train.xlsx")
    assert router.read_labelled(tmp_path / "train.xlsx") == (texts, labels)


def test_it_lists_every_bad_row(tmp_path):
    path = write_csv(
        tmp_path / "bad.csv", [("停水了", "自来水公司"), ("", "公园管理处"), ("路灯", "")]
    )
    with pytest.raises(HotlineError) as e:
        router.read_labelled(path)
    assert "第 3 行" in e.value.message and "第 4 行" in e.value.message


def test_it_refuses_a_file_without_the_header(tmp_path):
    path = write_csv(tmp_path / "x.csv", [("a", "b")], header=("内容", "部门"))
    with pytest.raises(HotlineError, match="表头"):
        router.read_labelled(path)


def test_it_refuses_a_non_utf8_file(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("text,department\n停水,自来水公司\n".encode("gbk"))
    with pytest.raises(HotlineError, match="UTF-8"):
        router.read_labelled(path)


def test_it_routes_any_departments_in_simplified_and_traditional(model_path):
    model = router.fit(*rows())
    assert router.suggest("我家水龙头没水了，停水一整天", model).department == "自来水公司"
    assert router.suggest("學校老師體罰學生", model).department == "教育委员会"
    found = router.suggest("公園裡的健身器材壞了沒人修", model)
    assert found.department == "公园管理处" and 0 < found.confidence <= 1
    assert len(found.alternatives) == 2


@pytest.mark.django_db
def test_store_and_load_check_the_digest(model_path):
    assert router.load() is None  # nothing trained
    router.store(router.fit(*rows()), samples=18, source="test", now=NOW)
    assert router.load() is not None
    model_path.write_bytes(model_path.read_bytes() + b"tampered")
    router._loaded.clear()
    assert router.load() is None  # the file no longer matches its recorded digest


@pytest.mark.django_db
def test_commands_train_and_evaluate(model_path, training_csv, tmp_path):
    out = StringIO()
    call_command("train_router", str(training_csv), stdout=out)
    assert "18 条样本" in out.getvalue()
    record = RouterModel.objects.get()
    assert record.departments == sorted(SAMPLES)
    test = write_csv(
        tmp_path / "test.csv",
        [
            ("水管破了，到处是水", "自来水公司"),
            ("學校收補課費", "教育委员会"),
            ("公园的灯坏了", "公园管理处"),
        ],
    )
    out = StringIO()
    call_command("evaluate_router", str(test), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1].startswith("accuracy=")
    assert float(lines[-1].split("=")[1]) >= 2 / 3
    assert any(line.startswith("自来水公司") for line in lines)


@pytest.mark.django_db
def test_evaluate_without_a_model_fails_clearly(model_path, training_csv):
    with pytest.raises(CommandError, match="train_router"):
        call_command("evaluate_router", str(training_csv))


@pytest.mark.django_db
def test_training_from_past_tickets(model_path, operator, handler, dept_a, dept_b, handler_b):
    for dept, who, text in (
        (dept_a, handler, "餐馆卖过期食品"),
        (dept_b, handler_b, "老人申请低保"),
    ):
        t = actions.register_ticket(new_ticket(content=text), actor=operator, now=NOW)
        actions.dispatch_ticket(t, actor=operator, now=NOW, lead=dept)
        d = t.dispatches.get()
        actions.sign_dispatch(d, actor=who, now=NOW)
        actions.reply_dispatch(d, actor=who, now=NOW, reply="已处理")
    texts, labels = router.past_tickets()
    assert labels == [dept_a.name, dept_b.name] and "过期食品" in texts[0]
    call_command("train_router", "--with-tickets", stdout=StringIO())
    assert RouterModel.objects.get().samples == 2


@pytest.mark.django_db
def test_registration_stores_the_suggestion(model_path, operator, client, dept_a):
    texts, labels = rows()
    texts += ["饭店卖过期食品", "超市的牛奶过期了", "餐馆后厨卫生太差"]
    labels += [dept_a.name] * 3
    router.store(router.fit(texts, labels), samples=len(texts), source="t", now=NOW)
    client.force_login(operator)
    client.post(
        "/staff/hotline/",
        {
            "kind": "complaint",
            "urgency": "normal",
            "caller_phone": "13800000000",
            "content": "超市卖过期的食品",
        },
    )
    t = Ticket.objects.get()
    assert t.suggested_department == dept_a.name and t.suggested_confidence > 0
    body = client.get(f"/staff/hotline/tickets/{t.pk}/").content.decode()
    assert "建议承办部门" in body and f'value="{dept_a.pk}" selected' in body


@pytest.mark.django_db
def test_if_missing_trains_again_a_model_from_before_places(model_path, training_csv):
    from sklearn.pipeline import Pipeline

    old = router.build_pipeline()
    old = Pipeline(old.steps[1:])  # the pipeline as it was: no place-masking step
    old.fit(*rows())
    router.store(old, samples=18, source="old", now=NOW)
    out = StringIO()
    call_command("train_router", str(training_csv), "--if-missing", stdout=out)
    assert "已训练" in out.getvalue() and RouterModel.objects.count() == 2
    out = StringIO()
    call_command("train_router", str(training_csv), "--if-missing", stdout=out)
    assert "未重新训练" in out.getvalue() and RouterModel.objects.count() == 2
