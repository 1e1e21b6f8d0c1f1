"""The files shipped with the package, each named once: the jieba user
dictionary of the site's terms, the synonyms and the gazetteer."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
USER_DICT = HERE / "userdict.txt"
SYNONYMS = HERE / "synonyms.txt"
PLACES = HERE / "places.txt"
