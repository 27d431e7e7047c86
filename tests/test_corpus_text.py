"""The plain-text reader: the seed bulletins, the date header, derived titles and bad files."""

import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.corpus import Bulletin, CorpusReader, PartialDate, Problem, max_bytes, read_file
from search.corpus.text import TITLE_LENGTH, derive_title, first_sentence

SEEDS = Path(__file__).parent.parent / "corpus"
SEED_2020 = SEEDS / "000_d69fc6f4f0811f96.txt"
SEED_2024 = SEEDS / "003_1869dba633d4af7d.txt"


def read_one(path: Path) -> Bulletin | Problem:
    items = list(read_file(path, path.parent))
    assert len(items) == 1
    return items[0]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_seed_2020_title_is_cut_at_a_word_but_never_inside_an_open_compound():
    # 158 characters, one clause with no phrase boundary but the list `kehitys- ja kokeilu…`, which needs its tail
    bulletin = read_one(SEED_2020)
    assert bulletin.title == (
        "Helsingin kaupunginhallituksen elinkeinojaosto kuuli kokouksessaan maanantaina 23.11. "
        "yrityksille suunnatun kehitys- ja kokeilualustoiminnan…"
    )


def test_seed_2024_title_is_cut_at_a_phrase_boundary_without_an_ellipsis():
    # 218 characters: cut before `sekä`, not inside `työ-, opiskelu- ja yrittäjyysperusteisen`
    bulletin = read_one(SEED_2024)
    assert bulletin.title == (
        "Kaupunginhallituksen elinkeinojaosto merkitsi tiedoksi katsauksen Helsingin työ-, opiskelu- ja "
        "yrittäjyysperusteisen maahanmuuton toimenpideohjelman"
    )


def test_seed_date_keeps_month_precision():
    assert read_one(SEED_2020).date == PartialDate(2020, 11)
    assert read_one(SEED_2024).date == PartialDate(2024, 11)
    assert read_one(SEED_2020).date.day is None


def test_seed_id_is_file_name_without_extension():
    assert read_one(SEED_2020).id == "000_d69fc6f4f0811f96"
    assert read_one(SEED_2024).id == "003_1869dba633d4af7d"


def test_seed_source_is_file_and_line_one():
    assert read_one(SEED_2020).source == "000_d69fc6f4f0811f96.txt:1"


def test_seed_body_starts_on_header_line_and_is_stripped():
    body = read_one(SEED_2020).body
    assert body.startswith("Helsingin kaupunginhallituksen elinkeinojaosto kuuli")
    assert body.endswith("Elinkeinojaoston puheenjohtajana toimii pormestari Jan Vapaavuori.")
    assert "\n\nKaupunkistrategiassa 2017–2021 linjataan" in body


def test_seed_has_no_url_organ_or_lang():
    bulletin = read_one(SEED_2024)
    assert (bulletin.url, bulletin.organ, bulletin.lang) == (None, None, None)


def test_body_may_start_on_the_line_after_the_header(tmp_path):
    path = write(tmp_path, "tiedote.txt", "date 2021-03-15\nKaupunginvaltuusto hyväksyi talousarvion.\n")
    bulletin = read_one(path)
    assert bulletin.body == "Kaupunginvaltuusto hyväksyi talousarvion."
    assert bulletin.title == "Kaupunginvaltuusto hyväksyi talousarvion"


def test_day_precision_date_is_kept(tmp_path):
    path = write(tmp_path, "tiedote.txt", "date 2021-03-15 Lautakunta kokoontui.")
    assert read_one(path).date == PartialDate(2021, 3, 15)


def test_byte_order_mark_and_leading_blank_lines_before_header(tmp_path):
    path = write(tmp_path, "bom.txt", "\ufeff\n  \n date 2022-01 Kirjasto avautuu.".encode())
    bulletin = read_one(path)
    assert bulletin.date == PartialDate(2022, 1)
    assert bulletin.body == "Kirjasto avautuu."


def test_body_unicode_is_kept_as_written(tmp_path):
    decomposed = "Ka\u0308vely\u00adreitti avattiin."  # ä as a + combining diaeresis, soft hyphen
    path = write(tmp_path, "u.txt", f"date 2022-01 {decomposed}")
    assert read_one(path).body == decomposed


def test_id_is_stripped_of_surrounding_whitespace(tmp_path):
    path = write(tmp_path, " tiedote-7 .txt", "date 2022-01 Kirjasto avautuu.")
    assert read_one(path).id == "tiedote-7"


def test_id_with_control_character_is_a_problem(tmp_path):
    path = write(tmp_path, "huono\x07nimi.txt", "date 2022-01 Kirjasto avautuu.")
    problem = read_one(path)
    assert isinstance(problem, Problem)
    assert "control character" in problem.reason


def test_missing_date_header_is_a_problem(tmp_path):
    path = write(tmp_path, "nodate.txt", "Kaupunginhallitus kokoontui maanantaina.")
    assert read_one(path) == Problem(
        "nodate.txt:1", "missing date: the file must begin with 'date YYYY-MM' or 'date YYYY-MM-DD'"
    )


def test_header_without_a_date_value_is_a_problem(tmp_path):
    path = write(tmp_path, "nodate.txt", "date\nKaupunginhallitus kokoontui.")
    assert read_one(path).reason.startswith("missing date")


def test_impossible_month_is_a_problem(tmp_path):
    path = write(tmp_path, "kk13.txt", "date 2020-13 Kokous peruttiin.")
    problem = read_one(path)
    assert problem.source == "kk13.txt:1"
    assert problem.reason == "impossible date '2020-13': month must be in 1..12"


def test_impossible_day_is_a_problem(tmp_path):
    path = write(tmp_path, "feb30.txt", "date 2021-02-30 Kokous peruttiin.")
    assert read_one(path).reason == "impossible date '2021-02-30': day is out of range for month"


def test_date_in_another_form_is_a_problem(tmp_path):
    path = write(tmp_path, "fi.txt", "date 23.11.2020 Kokous peruttiin.")
    assert read_one(path).reason == "not a date of the form YYYY-MM or YYYY-MM-DD: '23.11.2020'"


def test_header_without_body_is_a_problem(tmp_path):
    path = write(tmp_path, "empty.txt", "date 2020-11\n\n   \n")
    assert read_one(path) == Problem("empty.txt:1", "empty body")


def test_empty_file_is_a_problem(tmp_path):
    path = write(tmp_path, "zero.txt", "")
    assert read_one(path) == Problem("zero.txt:1", "empty file")


def test_invalid_utf8_is_a_problem_at_its_line(tmp_path):
    latin1 = "date 2020-11\nEnsimmäinen rivi.\n".encode() + "Päätös tehtiin.".encode("latin-1")
    path = write(tmp_path, "latin1.txt", latin1)
    problem = read_one(path)
    assert problem.source == "latin1.txt:3"
    assert problem.reason == "invalid UTF-8 (byte 0xe4)"


def test_vanished_file_is_a_problem(tmp_path):
    problem = read_one(tmp_path / "gone.txt")
    assert problem.source == "gone.txt:1"
    assert problem.reason == "cannot read file: No such file or directory"


def test_dangling_link_in_the_corpus_is_a_problem_and_the_rest_still_reads(tmp_path):
    write(tmp_path, "good.txt", "date 2020-11 Hyvä tiedote.")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    reader = CorpusReader(tmp_path)
    assert [b.id for b in reader] == ["good"]
    assert [str(p) for p in reader.problems] == ["broken.txt:1: cannot read file: No such file or directory"]


def test_title_date_inside_sentence_does_not_end_it():
    body = "Lautakunta kokoontui 23.11. ja päätti asiasta. Seuraava kokous on joulukuussa."
    assert derive_title(body) == "Lautakunta kokoontui 23.11. ja päätti asiasta"


def test_title_ordinal_followed_by_lowercase_does_not_end_it():
    body = "Kokous pidetään 7. joulukuuta kaupungintalolla. Lisätietoja antaa kanslia."
    assert derive_title(body) == "Kokous pidetään 7. joulukuuta kaupungintalolla"


def test_title_sentence_ends_at_period_before_uppercase():
    assert first_sentence("Kirjasto avautuu. Kahvila ei.") == "Kirjasto avautuu."


def test_title_sentence_ends_at_line_break():
    body = "Taustatietoa\n\nElinkeinojaosto on strateginen toimielin."
    assert derive_title(body) == "Taustatietoa"


def test_title_keeps_question_mark():
    assert derive_title("Miksi uimahalli suljettiin? Syynä on remontti.") == "Miksi uimahalli suljettiin?"


def test_title_keeps_ordinal_dot_at_sentence_end():
    assert derive_title("Kokous pidettiin 23.11.\nLisää tietoa myöhemmin.") == "Kokous pidettiin 23.11."


def test_title_period_inside_closing_quote_ends_sentence():
    assert first_sentence("Hän sanoi: ”Hyvä.” Sitten lähdettiin.") == "Hän sanoi: ”Hyvä.”"


def test_short_title_is_not_cut():
    title = derive_title("Kaupunginvaltuusto hyväksyi vuoden 2025 talousarvion yksimielisesti.")
    assert title == "Kaupunginvaltuusto hyväksyi vuoden 2025 talousarvion yksimielisesti"


def test_long_title_is_cut_at_a_word_near_120_with_ellipsis():
    sentence = " ".join(["kaupunginhallituksen"] * 12) + "."
    title = derive_title(sentence)
    assert title.endswith("kaupunginhallituksen…")
    assert len(title) <= TITLE_LENGTH + 1
    assert len(title) > TITLE_LENGTH - len("kaupunginhallituksen ")


def test_long_title_is_its_main_clause_before_a_subordinate_clause():
    body = ("Kaupunginhallitus hyväksyi kirjastoverkon kehittämissuunnitelman, jonka mukaan Kallion, Pasilan ja "
            "Vuosaaren kirjastojen aukioloaikoja pidennetään ja omatoimikirjastoja lisätään kaikkiin kaupunginosiin "
            "vuoteen 2030 mennessä. Lisätietoja antaa kirjastotoimi.")
    assert derive_title(body) == "Kaupunginhallitus hyväksyi kirjastoverkon kehittämissuunnitelman"


def test_a_main_clause_too_short_to_stand_alone_is_no_title():
    body = ("Syytettyjen, jotka olivat toimiessaan asunto-osakeyhtiön hallituksen jäseninä ja isännöitsijänä "
            "välittäneet talon asukkaille olutta yli neljän vuoden ajan, katsottiin syyllistyneen jatkettuun "
            "alkoholipitoisen aineen myyntiin ja tuomittiin sakkoihin.")
    title = derive_title(body)
    assert title.startswith("Syytettyjen, jotka olivat toimiessaan") and len(title) <= TITLE_LENGTH + 1


def test_long_title_is_cut_at_the_last_comma_that_leaves_half_of_it():
    words_before_comma = "Alue" + " alue" * 23  # 119 characters
    title = derive_title(words_before_comma + ", sana" * 30 + ".")
    assert title == words_before_comma + ", sana" * 5  # 149 characters: no "…" at a phrase boundary


def test_a_title_cut_at_a_word_never_ends_in_an_open_compound_or_a_conjunction():
    head = "Lautakunta käsitteli" + " pitkää" * 16  # 132 characters; `kehitys- ja` would end at 144
    assert derive_title(head + " kehitys- ja kokeilutoimintaa koskevaa selvitystä.") == head + "…"


def test_title_of_one_endless_word_is_cut_hard():
    title = derive_title("A" + "a" * 300)
    assert title == "A" + "a" * (TITLE_LENGTH - 1) + "…"


def test_a_file_over_the_size_limit_is_skipped_unread(tmp_path):
    path = write(tmp_path, "iso.txt", "date 2021-05 " + "Kaupunginvaltuusto päätti asiasta. " * 600)
    assert round(path.stat().st_size / 1024) == 22
    [problem] = read_file(path, tmp_path, limit=max_bytes(0.01))
    assert str(problem) == ("iso.txt:1: bulletin of 22 kB is larger than the limit of 0.01 MB: skipped "
                            "(--max-bulletin-mb raises the limit)")
    assert read_file(path, tmp_path, limit=path.stat().st_size).__next__().id == "iso"


def test_a_date_in_other_digits_than_ascii_is_refused(tmp_path):
    for date in ("１２３４-01", "٢٠٢٠-01"):
        problem = read_one(write(tmp_path, "a.txt", f"date {date} Kokeilu alkaa."))
        assert problem.reason == f"not a date of the form YYYY-MM or YYYY-MM-DD in ASCII digits: {date!r}"


def test_control_characters_are_removed_and_line_breaks_kept(tmp_path):
    text = "date 2020-01\r\nKokeilu \x1b[31malkaa\x00 nyt.\r\n\r\nToinen\x0ckappale\x01 ja\x1fkolmas.\r\n"
    bulletin = read_one(write(tmp_path, "a.txt", text))
    assert bulletin.body == "Kokeilu [31malkaa nyt.\n\nToinen\nkappale ja kolmas."
    assert bulletin.title == "Kokeilu [31malkaa nyt"


# --- any file: a bulletin or a problem ----------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)  # lone surrogates, controls too
HEADERS = st.sampled_from(["date 2020-11 ", "date 2020-11-23\n", "date 2021-02-30 ", "date\t2020-1 ", "\ufeffdate 2020-11\r\n",
                           "date １２３４-01 ", "DATE 2020-11 ", "date ", ""])
CONTENTS = (st.tuples(HEADERS, ANY_TEXT).map(lambda pair: "".join(pair).encode("utf-8", "surrogatepass"))
            | st.binary(max_size=80))


@given(CONTENTS)
@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_file_is_one_clean_bulletin_or_one_problem(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "tiedote.txt", content)
    [item] = read_file(path, tmp_path, limit=64)
    assert isinstance(item, (Bulletin, Problem)) and item.source.startswith("tiedote.txt:")
    if isinstance(item, Bulletin):
        assert len(content) <= 64 and item.body and str(item.date).isascii()
        assert all(char in "\t\n" or unicodedata.category(char) not in ("Cc", "Cs") for char in item.title + item.body)


def test_title_passes_over_an_opening_heading():
    """An Ahjo decision's text opens with its `## Päätös` heading: the title is the sentence after it."""
    body = ("## Päätös\n\nKaupungineläinlääkäri päätti, että kaupungineläinlääkärin pöytäkirja pidetään nähtävänä "
            "yleisessä tietoverkossa.\n\n## Päätöksen perustelut\n\nKuntalain 107 §:n mukaan pidetään pöytäkirjaa.")
    assert derive_title(body) == ("Kaupungineläinlääkäri päätti, että kaupungineläinlääkärin pöytäkirja pidetään "
                                  "nähtävänä yleisessä tietoverkossa")


def test_title_of_headings_alone_is_the_first_heading_without_its_marks():
    assert derive_title("## Päätös\n\n### Liitteet") == "Päätös"
