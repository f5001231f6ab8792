"""A tokenizer for sumy's parsers and summarizers that needs no NLTK data.

sumy's own `sumy.nlp.tokenizers.Tokenizer` loads NLTK's punkt models, which cannot be downloaded
at run time. sumy only calls `to_sentences(paragraph)` and `to_words(sentence)` on a tokenizer
(`sumy.parsers.parser.DocumentParser`, `sumy.models.dom.Sentence`), so this class gives it ours.
"""

from __future__ import annotations

from summarizer.sentences import split_sentences, words

# ISO 639-1 codes and the language names sumy uses (lower-cased English names).
_SUMY_NAMES = {
    "ar": "arabic",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "he": "hebrew",
    "hu": "hungarian",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sk": "slovak",
    "sv": "swedish",
    "th": "thai",
    "tr": "turkish",
    "uk": "ukrainian",
    "zh": "chinese",
}
_CODES = {name: code for code, name in _SUMY_NAMES.items()}


class SumyTokenizer:
    """Drop-in for `sumy.nlp.tokenizers.Tokenizer` built on `summarizer.sentences`."""

    def __init__(self, language: str) -> None:
        """Take an ISO 639-1 code ("nl") or a sumy language name ("dutch")."""
        key = language.strip().lower()
        self._code = _CODES.get(key, key)
        self._language = _SUMY_NAMES.get(self._code, key)

    @property
    def language(self) -> str:
        """The sumy language name ("english"), as sumy's own tokenizer reports it."""
        return self._language

    @property
    def code(self) -> str:
        """The ISO 639-1 code the splitter uses ("en")."""
        return self._code

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """The sentences of one paragraph."""
        return tuple(split_sentences(paragraph, self._code))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """The word tokens of one sentence, numbers included ("215,900", "26.4%")."""
        return tuple(words(sentence, self._code))

    def __repr__(self) -> str:
        """For debugging: the class and its language."""
        return f"SumyTokenizer({self._code!r})"
