"""Finnish stopwords, as base forms: a word is a stopword when every base form it has is one.

Only function words: conjunctions, pronouns, `olla` and `ei`. Adverbs such as `myös` or `vain`
stay searchable; BM25 already gives frequent words little weight."""

STOPWORDS = frozenset("""
ja tai sekä eli että mutta vaan kuin jos kun koska vaikka jotta kuten mikäli
ei olla
se ne tämä nämä tuo nuo hän he minä sinä me te
joka mikä kuka
""".split())
