"""Which font the documents embed, and the system check that says when there is none."""

from onestop.documents import pdf
from onestop.documents.checks import check_pdf_font


def test_a_truetype_cjk_font_is_installed_and_embedded():
    chosen = pdf.font()
    assert chosen.embedded, f"install the Debian package {pdf.DEBIAN_FONT_PACKAGE}"
    assert chosen.path.endswith((".ttf", ".ttc"))
    assert check_pdf_font() == []


def test_the_check_warns_without_a_font(monkeypatch, settings):
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    settings.DOCUMENTS_FONT = ""
    [warning] = check_pdf_font()
    assert warning.id == "documents.W001"
    assert pdf.DEBIAN_FONT_PACKAGE in warning.hint


def test_a_configured_font_file_comes_first(monkeypatch, settings, tmp_path):
    font = tmp_path / "mine.ttf"
    font.write_bytes(b"")
    settings.DOCUMENTS_FONT = str(font)
    assert pdf.find_font_file() == (str(font), 0)
