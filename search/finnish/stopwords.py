"""Finnish stopwords, as base forms: a word is a stopword when every base form it has is one."""

STOPWORDS = frozenset("""
ja tai sekä eli että mutta vaan kuin jos kun koska vaikka jotta sillä kuten mikäli
ei olla
se ne tämä nämä tuo nuo hän he minä sinä me te itse
joka jokin mikä kuka kumpi
myös vielä jo nyt niin noin siis sitten vain
mukaan kanssa
""".split())
