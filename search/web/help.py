"""The search help page's table: the query language, by example, in both languages of the interface.

The same language as `search.searcher.query` reads and the README documents; a test checks that every
operator is here."""

from __future__ import annotations

# (query, what it finds), in the order a newcomer needs them
ROWS: dict[str, tuple[tuple[str, str], ...]] = {
    "fi": (
        ("kokeiluja", "tiedotteet, joissa sana on missä tahansa taivutusmuodossa: kokeilu, kokeilua, kokeilujen"),
        ("hautomo", "myös pidemmän yhdyssanan osana: yrityshautomo, yrityshautomopalvelujen"),
        ("kokeilu alusta", "tiedotteet, joissa ovat kaikki sanat"),
        ('"kuusi innovaatiohaastetta"', "sanat peräkkäin tässä järjestyksessä, missä tahansa taivutusmuodossa"),
        ("kokeilu OR hanke", "tiedotteet, joissa on jompikumpi sanoista"),
        ("kokeilu NOT korona", "jättää pois tiedotteet, joissa sana on; myös -korona haun alussa"),
        ("kokeilu*", "sanat, jotka alkavat näin (vähintään kaksi kirjainta)"),
        ("title:elinkeinojaosto", "sana tai fraasi tiedotteen otsikossa"),
        ("date:2020  date:2019..2021  date:..6/2020", "tiedotteet näiltä ajoilta"),
        ("organ:kaupunginhallitus", "päättäjän tiedotteet (koko nimi); organ:kaupunginhallituksen* kaikkien "
                                    "päättäjien, joiden nimi alkaa näin"),
        ('kind:decision  classification:"Kokousasiat"', "päätökset (decision), esityslistan asiat (agenda_item) "
                                                        "tai päätöstiedotteet (announcement); tehtäväluokan tiedotteet"),
        ("HEL 2021-009631", "asian tiedotteet diaarinumeron mukaan ensimmäisinä"),
    ),
    "en": (
        ("kokeiluja", "bulletins with the word in any inflected form: kokeilu, kokeilua, kokeilujen"),
        ("hautomo", "also inside a longer compound word: yrityshautomo, yrityshautomopalvelujen"),
        ("kokeilu alusta", "bulletins with every word"),
        ('"kuusi innovaatiohaastetta"', "the words together in this order, in any inflected form"),
        ("kokeilu OR hanke", "bulletins with either word"),
        ("kokeilu NOT korona", "leaves out bulletins with the word; also -korona at the start of the search"),
        ("kokeilu*", "words that begin so (at least two letters)"),
        ("title:elinkeinojaosto", "a word or phrase in the title"),
        ("date:2020  date:2019..2021  date:..6/2020", "bulletins of those dates"),
        ("organ:kaupunginhallitus", "bulletins of that deciding body (the whole name); organ:kaupunginhallituksen* "
                                    "of every body whose name begins so"),
        ('kind:decision  classification:"Kokousasiat"', "decisions (decision), agenda items (agenda_item) or "
                                                        "decision announcements (announcement); bulletins of a "
                                                        "classification"),
        ("HEL 2021-009631", "the bulletins of that case, by its diary number, first"),
    ),
}
