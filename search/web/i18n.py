"""The interface's two languages: Finnish (the default) and English, and how dates and numbers read."""

from __future__ import annotations

import calendar
import re
from datetime import datetime

from flask import request

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"

MESSAGES: dict[str, dict[str, str]] = {
    "fi": {
        "service": "Tiedotehaku",
        "skip": "Siirry sisältöön",
        "other_language": "In English",
        "search_label": "Hae tiedotteista",
        "search_hint": "Kirjoita sana missä tahansa taivutusmuodossa: haku löytää myös sen muut muodot.",
        "help": "Hakuohjeet",
        "help_lead": "Haku ymmärtää suomen kielen taivutuksen ja yhdyssanat. Näin rajaat ja tarkennat hakua.",
        "help_query": "Haku",
        "help_finds": "Löytää",
        "help_filters": "Rajaukset ja järjestys",
        "help_filters_text": "Hakutulosten vieressä voit rajata tuloksia vuoden, päättäjän ja lajin mukaan sekä "
                             "järjestää ne osuvuuden tai päivämäärän mukaan. Päivämäärärajauksen voi kirjoittaa "
                             "muodossa 2020, 11/2020 tai 23.11.2020. Voimassa olevat rajaukset näkyvät tulosten "
                             "yläpuolella, ja ne voi poistaa yksitellen.",
        "help_forgiving": "Kun haku ei onnistu sellaisenaan",
        "help_forgiving_text": "Jos lainausmerkki jää parittomaksi, se jätetään pois ja haetaan sanoja. Jos mikään "
                               "tiedote ei vastaa hakua ja sanalle löytyy todennäköinen oikeinkirjoitus, näytetään "
                               "sen tulokset, ja alkuperäisen haun voi tehdä linkistä.",
        "help_feed": "Haun voi tilata syötteenä (Atom) tulossivun alareunan linkistä, ja tulokset saa myös "
                     "JSON-muodossa ohjelmien käyttöön.",
        "search_button": "Hae",
        "filters": "Rajaa hakua",
        "date_from": "Alkaen",
        "date_to": "Päättyen",
        "date_hint": "Esimerkiksi 2020, 11/2020 tai 23.11.2020",
        "sort": "Järjestys",
        "sort_relevance": "Osuvimmat",
        "sort_newest": "Uusimmat",
        "sort_oldest": "Vanhimmat",
        "apply": "Päivitä",
        "results": "Hakutulokset",
        "total_none": "Ei osumia",
        "total_one": "1 osuma",
        "total_many": "{count} osumaa",
        "seconds": "({seconds} s)",
        "did_you_mean": "Tarkoititko",
        "showing_for": "Näytetään tulokset haulle",
        "search_instead": "Hae sen sijaan:",
        "quote_dropped": "Haussa oli pariton lainausmerkki, joten se jätettiin pois. Haettiin sanoja: {query}",
        "filters_active": "Voimassa olevat rajaukset",
        "chip_year": "Vuosi: {value}",
        "chip_from": "Alkaen {value}",
        "chip_to": "Päättyen {value}",
        "chip_organ": "Päättäjä: {value}",
        "chip_kind": "Laji: {value}",
        "chip_classification": "Tehtäväluokka: {value}",
        "remove_all_filters": "Poista kaikki rajaukset",
        "narrow": "Rajaa tuloksia",
        "suggestions": "Ehdotukset",
        "suggestions_one": "1 ehdotus. Valitse nuolinäppäimillä.",
        "suggestions_many": "{count} ehdotusta. Valitse nuolinäppäimillä.",
        "suggestion_bulletins": "{count} tiedotteessa",
        "related": "Tiedotetta, jossa olisivat kaikki hakusanat, ei löytynyt. Näytetään läheisiä tuloksia: "
                   "tiedotteita, joissa on osa hakusanoista.",
        "related_count_one": "1 läheinen tulos",
        "related_count_many": "{count} läheistä tulosta",
        "related_elsewhere": "Läheiset tulokset Osuvimmat-järjestyksessä",
        "partial": "Läheiset tulokset: näissä on vain osa hakusanoista tai parhaiden osumien yhteisiä sanoja. "
                   "Niitä ei lasketa osumiin.",
        "no_hits": "Haulla ”{query}” ei löytynyt tiedotteita.",
        "no_hits_tips": "Kokeile toista sanaa, lyhyempää hakua tai poista rajaukset.",
        "page_empty": "Tällä sivulla ei ole tuloksia.",
        "first_page": "Siirry ensimmäiselle sivulle",
        "examples": "Esimerkkihakuja",
        "collection": "Haussa on {count} tiedotetta vuosilta {first}–{last}.",
        "collection_one_year": "Haussa on {count} tiedotetta vuodelta {first}.",
        "collection_one": "Haussa on 1 tiedote vuodelta {first}.",
        "updated": "Päivitetty {moment}.",
        "organs": "Päättäjät",
        "organs_more": "ja {count} muuta",
        "opensearch": "Haku kaupungin päätöksiin ja tiedotteisiin: sana löytyy missä tahansa taivutusmuodossa.",
        "intro": "Haku ymmärtää suomen kielen taivutuksen ja yhdyssanat: ”kokeiluja” löytää myös "
                 "”kokeilu” ja ”kokeilujen”, ja ”hautomo” löytää ”yrityshautomopalvelujen”.",
        "year": "Vuosi",
        "all_year": "Kaikki vuodet",
        "all_organ": "Kaikki päättäjät",
        "all_kind": "Kaikki lajit",
        "remove_filter": "Poista rajaus {value}",
        "pagination": "Sivut",
        "previous": "Edellinen",
        "next": "Seuraava",
        "page_n": "Sivu {page}",
        "follow": "Seuraa tätä hakua syötteenä (Atom)",
        "json": "Tulokset JSON-muodossa",
        "back": "Takaisin hakutuloksiin",
        "new_search": "Uusi haku",
        "original": "Alkuperäinen tiedote",
        "organ": "Päättäjä",
        "date": "Päivämäärä",
        "kind": "Laji",
        "case_history": "Asian {case} vaiheet",
        "kind_decision": "Päätös",
        "kind_agenda_item": "Esityslistan asia",
        "kind_announcement": "Päätöstiedote",
        "case": "Diaarinumero",
        "classification": "Tehtäväluokka",
        "section": "Pykälä",
        "section_number": "{section} §",
        "bulletin_json": "Tiedote JSON-muodossa",
        "long_bulletin": "Osa {part}/{parts}: tiedote on pitkä, joten se näytetään osina. Linkit muihin osiin "
                         "ovat sivun lopussa.",
        "parts": "Tiedotteen osat",
        "part_n": "Osa {part}/{parts}",
        "previous_part": "Edellinen osa",
        "next_part": "Seuraava osa",
        "api": "Rajapinnan kuvaus (OpenAPI)",
        "error": "Virhe",
        "bad_request": "Hakua ei voitu tehdä",
        "not_found": "Sivua ei löytynyt",
        "not_found_text": "Osoitteessa ei ole sivua tai tiedotetta. Tarkista osoite tai tee uusi haku.",
        "bulletin_not_found": "Tiedotetta ”{id}” ei ole.",
        "method_not_allowed": "Tämä osoite ei tue pyynnön menetelmää.",
        "unavailable": "Haku ei ole juuri nyt käytettävissä",
        "index_missing": "Hakemistoa ei ole vielä rakennettu. Aja ensin komento: bulletins index",
        "shard_down": "Osa hakemistosta ({shard}) ei ole juuri nyt saatavilla. Yritä hetken päästä uudelleen.",
        "empty_index": "Hakemistossa ei ole vielä yhtään tiedotetta. Lisää tiedotteita (.txt-, .jsonl- tai Ahjon "
                       ".json-tiedostoja) korpuskansioon ja päivitä hakemisto komennolla bulletins index, tai käynnistä "
                       "palvelu komennolla bulletins serve --watch, joka lisää ne itse.",
        "server_error": "Palvelussa tapahtui odottamaton virhe. Yritä hetken kuluttua uudelleen.",
        "feed_title": "Tiedotehaku: {query}",
        "param_not_integer": "Parametrin {param} pitää olla kokonaisluku.",
        "param_page": "Sivunumeron pitää olla 1–{max}.",
        "param_size": "Sivun koon pitää olla 1–{max}.",
        "param_query_length": "Haku on liian pitkä: enintään {max} merkkiä.",
        "param_query_missing": "Anna hakusana parametrissa q.",
        "param_date": "Päivämäärä {value} ei kelpaa: kirjoita esimerkiksi 2020, 11/2020 tai 23.11.2020.",
        "param_date_range": "Alkupäivä on loppupäivän jälkeen.",
        "param_year": "Vuoden pitää olla nelinumeroinen, esimerkiksi 2024.",
        "param_name_length": "Parametrin {param} nimi on liian pitkä: enintään {max} merkkiä.",
        "param_sort": "Järjestyksen pitää olla relevance, newest tai oldest.",
        "param_flag": "Parametrin {param} pitää olla true tai false.",
        "param_format": "Muodon pitää olla json tai opensearch.",
        "param_unknown": "Tuntematon parametri {param}: parametrit ovat {names}.",
        "param_repeated": "Parametri {param} on annettu useammin kuin kerran.",
        "param_part": "Tiedotteessa on osat 1–{max}.",
        # The query parser's messages (search.searcher.query), by their QueryError key
        "query_unbalanced_quotes": "Lainausmerkit eivät täsmää: fraasi tarvitsee myös loppulainausmerkin \"",
        "query_empty": "Tyhjä haku: kirjoita sana, jota haetaan",
        "query_too_long": "Haku on liian pitkä: {length} merkkiä, enintään {limit}",
        "query_control": "Haussa on ohjausmerkki (U+{code})",
        "query_title_empty": "title: tarvitsee perään sanan tai fraasin, esimerkiksi title:kokeilu",
        "query_prefix_short": "Katkaistussa haussa tarvitaan tähden eteen vähintään {least} kirjainta yhdestä sanasta, "
                              "esimerkiksi kokeilu*",
        "query_date_negated": "Päivämäärärajausta ei voi kieltää; anna mukaan otettavat päivät, esimerkiksi date:2019..2021",
        "query_date_empty": "date: tarvitsee perään päivämäärän, esimerkiksi date:2020, date:2020-11 tai date:2019..2021",
        "query_date_backwards": "date:{text} päättyy ennen kuin alkaa",
        "query_not_a_date": "”{text}” ei ole päivämäärä: kirjoita esimerkiksi 2020, 11/2020, 23.11.2020 tai 2020-11-23",
        "query_impossible_date": "Mahdoton päivämäärä: {text}",
        "query_operator_alone": "{operator} tarvitsee sanan kummallekin puolelleen, esimerkiksi kokeilu {operator} hanke",
        "query_or_excluded": "OR ei voi yhdistää pois jätettävää sanaa: kirjoita se erikseen, "
                             "esimerkiksi kokeilu OR hanke NOT korona",
        "query_not_alone": "NOT tarvitsee perään sanan, esimerkiksi NOT korona",
        "query_nothing": "Haussa ”{text}” ei ole haettavaa: anna jokin sana (yleisiä sanoja kuten ”ja” ei hakemistoida)",
        "query_dates_disjoint": "Päivämäärärajaukset eivät osu päällekkäin",
        "query_filter_empty": "{field}: tarvitsee perään nimen, esimerkiksi {field}:{example}",
    },
    "en": {
        "service": "Bulletin search",
        "skip": "Skip to content",
        "other_language": "Suomeksi",
        "search_label": "Search the bulletins",
        "search_hint": "Type a Finnish word in any inflected form: the search also finds its other forms.",
        "help": "Search help",
        "help_lead": "The search understands Finnish inflection and compound words. This is how to narrow and "
                     "refine a search.",
        "help_query": "Search",
        "help_finds": "Finds",
        "help_filters": "Filters and order",
        "help_filters_text": "Beside the results you can narrow them by year, deciding body and kind, and order them "
                             "by relevance or date. Type a date filter as 2020, 11/2020 or 23.11.2020. The filters "
                             "in force show above the results, and each can be removed.",
        "help_forgiving": "When a search cannot be made as typed",
        "help_forgiving_text": "An unpaired quote mark is left out and the words are searched. When no bulletin "
                               "matches and a word has a likely spelling, its results are shown, with a link to the "
                               "search as typed.",
        "help_feed": "Follow a search as a feed (Atom) from the link below the results; the results are also "
                     "available as JSON for programs.",
        "search_button": "Search",
        "filters": "Narrow the search",
        "date_from": "From",
        "date_to": "To",
        "date_hint": "For example 2020, 11/2020 or 23.11.2020",
        "sort": "Order",
        "sort_relevance": "Most relevant",
        "sort_newest": "Newest",
        "sort_oldest": "Oldest",
        "apply": "Update",
        "results": "Results",
        "total_none": "No hits",
        "total_one": "1 hit",
        "total_many": "{count} hits",
        "seconds": "({seconds} s)",
        "did_you_mean": "Did you mean",
        "showing_for": "Showing results for",
        "search_instead": "Search instead for:",
        "quote_dropped": "The search had an unpaired quote mark, so it was left out. Searched for the words: {query}",
        "filters_active": "Filters in force",
        "chip_year": "Year: {value}",
        "chip_from": "From {value}",
        "chip_to": "To {value}",
        "chip_organ": "Decided by: {value}",
        "chip_kind": "Kind: {value}",
        "chip_classification": "Classification: {value}",
        "remove_all_filters": "Remove all filters",
        "narrow": "Narrow the results",
        "suggestions": "Suggestions",
        "suggestions_one": "1 suggestion. Use the arrow keys to choose.",
        "suggestions_many": "{count} suggestions. Use the arrow keys to choose.",
        "suggestion_bulletins": "in {count} bulletins",
        "related": "No bulletin holds every word of the search. Showing related results: bulletins that hold "
                   "some of the words.",
        "related_count_one": "1 related result",
        "related_count_many": "{count} related results",
        "related_elsewhere": "Related results under Most relevant",
        "partial": "Related results: these hold only some of the search words, or words the best matches share. "
                   "They are not counted as hits.",
        "no_hits": "No bulletins found for “{query}”.",
        "no_hits_tips": "Try another word, a shorter search, or remove the filters.",
        "page_empty": "There are no results on this page.",
        "first_page": "Go to the first page",
        "examples": "Example searches",
        "collection": "The search holds {count} bulletins from {first}–{last}.",
        "collection_one_year": "The search holds {count} bulletins from {first}.",
        "collection_one": "The search holds 1 bulletin from {first}.",
        "updated": "Last updated {moment}.",
        "organs": "Deciding bodies",
        "organs_more": "and {count} more",
        "opensearch": "Search a city's decisions and bulletins: a Finnish word is found in any inflected form.",
        "intro": "The search understands Finnish inflection and compound words: “kokeiluja” also finds "
                 "“kokeilu” and “kokeilujen”, and “hautomo” finds “yrityshautomopalvelujen”.",
        "year": "Year",
        "all_year": "All years",
        "all_organ": "All deciding bodies",
        "all_kind": "All kinds",
        "remove_filter": "Remove the filter {value}",
        "pagination": "Pages",
        "previous": "Previous",
        "next": "Next",
        "page_n": "Page {page}",
        "follow": "Follow this search as a feed (Atom)",
        "json": "Results as JSON",
        "back": "Back to the results",
        "new_search": "New search",
        "original": "Original bulletin",
        "organ": "Decided by",
        "date": "Date",
        "kind": "Kind",
        "case_history": "The case {case} step by step",
        "kind_decision": "Decision",
        "kind_agenda_item": "Agenda item",
        "kind_announcement": "Decision announcement",
        "case": "Case",
        "classification": "Classification",
        "section": "Section",
        "section_number": "§ {section}",
        "bulletin_json": "Bulletin as JSON",
        "long_bulletin": "Part {part} of {parts}: this bulletin is long, so it is shown in parts. The links to the "
                         "other parts are at the end of the page.",
        "parts": "Parts of the bulletin",
        "part_n": "Part {part} of {parts}",
        "previous_part": "Previous part",
        "next_part": "Next part",
        "api": "API description (OpenAPI)",
        "error": "Error",
        "bad_request": "The search could not be made",
        "not_found": "Page not found",
        "not_found_text": "There is no page or bulletin at this address. Check the address or make a new search.",
        "bulletin_not_found": "There is no bulletin “{id}”.",
        "method_not_allowed": "This address does not support the request's method.",
        "unavailable": "Search is not available right now",
        "index_missing": "The index has not been built yet. First run: bulletins index",
        "shard_down": "Part of the index ({shard}) cannot be reached just now. Try again in a moment.",
        "empty_index": "The index holds no bulletins yet. Add bulletins (.txt, .jsonl or Ahjo .json files) to the corpus folder "
                       "and update the index with bulletins index, or run the service with bulletins serve --watch, "
                       "which adds them by itself.",
        "server_error": "The service hit an unexpected error. Please try again in a moment.",
        "feed_title": "Bulletin search: {query}",
        "param_not_integer": "Parameter {param} must be a whole number.",
        "param_page": "The page number must be 1–{max}.",
        "param_size": "The page size must be 1–{max}.",
        "param_query_length": "The search is too long: at most {max} characters.",
        "param_query_missing": "Give the search words in parameter q.",
        "param_date": "The date {value} is not valid: type for example 2020, 11/2020 or 23.11.2020.",
        "param_date_range": "The start date is after the end date.",
        "param_year": "The year must have four digits, for example 2024.",
        "param_name_length": "The name in {param} is too long: at most {max} characters.",
        "param_sort": "The order must be relevance, newest or oldest.",
        "param_flag": "Parameter {param} must be true or false.",
        "param_format": "The format must be json or opensearch.",
        "param_unknown": "Unknown parameter {param}: the parameters are {names}.",
        "param_repeated": "Parameter {param} is given more than once.",
        "param_part": "The bulletin has parts 1–{max}.",
    },
}

MONTHS = {
    "fi": ("tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu",
           "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu"),
    "en": tuple(calendar.month_name[1:]),
}

_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def language() -> str:
    """The request's language: `?lang=` if it names one we have, else Accept-Language, else Finnish."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def text(lang: str, key: str, **values: object) -> str:
    """The message `key` in `lang`, with `values` filled in."""
    return MESSAGES[lang][key].format(**values)


def number(lang: str, value: float | int, decimals: int = 0) -> str:
    """A number as the language writes it: Finnish groups thousands with a space and uses a decimal comma."""
    written = f"{value:,.{decimals}f}"
    if lang == "fi":
        written = written.replace(",", "\u00a0").replace(".", ",")
    return written


def moment(lang: str, when: datetime) -> str:
    """A moment in the server's time zone, to the minute: `2.12.2025 klo 14.05`, `2 December 2025, 14:05`."""
    local = when.astimezone()
    if lang == "fi":
        return f"{local.day}.{local.month}.{local.year} klo {local.hour}.{local.minute:02d}"
    return f"{local.day} {MONTHS[lang][local.month - 1]} {local.year}, {local.hour:02d}:{local.minute:02d}"


def long_date(lang: str, iso: str) -> str:
    """A bulletin date (`2020-11` or `2020-11-23`) for reading: `marraskuu 2020`, `23.11.2020`."""
    match = _DATE.match(iso or "")
    if not match:
        return iso
    year, month, day = int(match[1]), int(match[2]), match[3]
    if not 1 <= month <= 12:
        return iso
    if day is None:
        return f"{MONTHS[lang][month - 1]} {year}"
    return f"{int(day)}.{month}.{year}" if lang == "fi" else f"{int(day)} {MONTHS[lang][month - 1]} {year}"
