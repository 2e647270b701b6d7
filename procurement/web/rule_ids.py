"""Rule IDs (R-ORD-3 …) are for bureau staff and the API; everyone else reads plain words (issue 12).

The platform's messages cite the rule they apply ("“…”在本地区没有指定配送企业（R-ORD-3）。"): the API
keeps them (and names the rule in each error's ``rule`` field), bureau staff read them on every page.
A hospital, a distributor, a manufacturer or a visitor reads the same sentence without the citation.
One function decides (``shows_rule_ids``) and one takes the citations out (``plain_words``); pages
apply them to their whole content, messages included, with ``{% plain_words %}…{% end_plain_words %}``
(base.html) and to a single text with ``{{ text|for_viewer:user }}``.
"""

import re

ID = r"R-[A-Z]+-\d+[a-z]?"
IDS = rf"{ID}(?:\s*[、,，/]\s*{ID})*"

_CITATIONS = [
    # "（R-LIST-14、R-SUP-3）", " (R-ORD-1)": the whole parenthesis (and the space before it)
    (re.compile(rf"\s?[（(]\s*{IDS}\s*[)）]"), ""),
    # "（R-LIST-14；限制期 5 年）": the citation at the start of a parenthesis
    (re.compile(rf"([（(])\s*{IDS}\s*[;；,，:：]\s*"), r"\1"),
    # "（连续12个月无销售，R-LIST-12）": the citation at its end
    (re.compile(rf"\s*[;；,，、]\s*{IDS}\s*(?=[)）])"), ""),
    # a bare citation left anywhere else, with its separator
    (re.compile(rf"{IDS}\s*[:：]?\s*"), ""),
]
_ANY_ID = re.compile(ID)


def shows_rule_ids(user) -> bool:
    """Bureau staff (and the platform's administrators) read the rules by their IDs."""
    return bool(user is not None and user.is_authenticated and (user.is_superuser or user.kind == "bureau"))


def _without_citations(text: str) -> str:
    for pattern, replacement in _CITATIONS:
        text = pattern.sub(replacement, text)
    return text


def plain_words(text: str) -> str:
    """``text`` without its rule citations.

    A page is mostly markup and rows without any: only the runs of text between two of ``<`` ``>`` that
    hold an ID are rewritten (no citation pattern spans either character), not the whole page four
    times over (1.6 ms of each buy page's 26 ms of Python, bench/search.py).
    """
    if "R-" not in text:
        return text
    parts, done = [], 0
    for found in _ANY_ID.finditer(text):
        if found.start() < done:
            continue  # in the run just rewritten
        start = max(text.rfind("<", 0, found.start()), text.rfind(">", 0, found.start())) + 1
        ends = [end for end in (text.find("<", found.end()), text.find(">", found.end())) if end != -1]
        end = min(ends) if ends else len(text)
        parts += [text[done:start], _without_citations(text[start:end])]
        done = end
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def for_viewer(text: str, user) -> str:
    """``text`` as ``user`` reads it: with its rule IDs for bureau staff, in plain words for others."""
    return text if shows_rule_ids(user) else plain_words(text)
