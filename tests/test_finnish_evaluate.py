"""The lemmatization evaluation reads CoNLL-U and counts conflated content words."""

from search.finnish.evaluate import conflation, read_conllu

CONLLU = """# sent_id = 1
# text = Elinkeinojaosto hyväksyi kaupunginhallituksen esityksen nopeasti.
1\tElinkeinojaosto\telinkeino#jaosto\tNOUN\tN\t_\t2\tnsubj\t_\t_
2\thyväksyi\thyväksyä\tVERB\tV\t_\t0\troot\t_\t_
3\tkaupunginhallituksen\tkaupungin#hallitus\tNOUN\tN\t_\t4\tnmod\t_\t_
4\tesityksen\tesitys\tNOUN\tN\t_\t2\tobj\t_\t_
5\tnopeasti\tnopeasti\tADV\tAdv\t_\t2\tadvmod\t_\tSpaceAfter=No
6\t.\t.\tPUNCT\tPunct\t_\t2\tpunct\t_\t_

# sent_id = 2
# text = Se on hyvä.
1\tSe\tse\tPRON\tPron\t_\t3\tnsubj\t_\t_
2\ton\tolla\tAUX\tV\t_\t3\tcop\t_\t_
3\thyvä\thyvä\tADJ\tA\t_\t0\troot\t_\t_
"""


def test_reads_content_tokens_with_compound_marks_removed(tmp_path):
    path = tmp_path / "dev.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    tokens, sentences = read_conllu(path)
    assert [t.form for t in tokens] == ["Elinkeinojaosto", "hyväksyi", "kaupunginhallituksen", "esityksen",
                                        "nopeasti", "hyvä"]
    assert tokens[0].lemma == "elinkeinojaosto"
    assert sentences[1] == "Se on hyvä."


def test_every_content_word_of_plain_finnish_conflates(tmp_path):
    path = tmp_path / "dev.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    rate, misses, missed = conflation(read_conllu(path)[0])
    assert rate == 1.0 and not missed
