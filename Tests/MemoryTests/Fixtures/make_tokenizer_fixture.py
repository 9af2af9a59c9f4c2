#!/usr/bin/env python3
"""Writes tokenizer-llama3.json: token ids from Python `tiktoken` for the Llama 3 tokenizer, for MemoryTests.

Run once: `pip install tiktoken && python3 make_tokenizer_fixture.py /path/to/llama3-tokenizer.model`.
The encoding is built as llama-stack's `models/llama/llama3/tokenizer.py` builds it (same pattern, same 256 special
tokens); `ids` encodes with no special tokens allowed (special-token text is ordinary text, as llama-stack's
`encode`), `ids_special` with every special token allowed.
"""
import json
import random
import sys

import tiktoken
from tiktoken.load import load_tiktoken_bpe

PATTERN = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
SPECIAL = [
    "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
    "<|finetune_right_pad_id|>", "<|step_id|>", "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>",
    "<|eot_id|>", "<|python_tag|>", "<|image|>",
]
SPECIAL += [f"<|reserved_special_token_{2 + i}|>" for i in range(256 - len(SPECIAL))]

FIXED = [
    "", " ", "  ", "\n", "\n\n\n", "\r\n", "\t", " \t\n ", "hello", "Hello world", "Hello, world!", "HELLO WORLD",
    "I'm here; you're there; they've gone; she'll come; he'd say; it's fine; don't", "I'M SHOUTING, YOU'LL SEE, IT'S",
    "The quick brown fox jumps over the lazy dog.", "1", "12", "123", "1234", "12345678901234567890", "3.14159",
    "1,000,000", "v1.2.3-beta+exp.sha.5114f85", "naïve café résumé coöperate", "Ελληνικά κείμενα", "Русский текст",
    "日本語のテキストです。", "中文文本，包含标点符号。", "한국어 텍스트", "العربية نص", "हिन्दी पाठ", "ไทย",
    "emoji 🚀🔥👍🏽 and 👨‍👩‍👧‍👦 family", "🙂", "⚙️ settings", "math: ∑ x² ≤ ∞ ≠ √2", "arrows → ← ↑ ↓",
    "def f(x):\n    return x ** 2\n", "for (int i = 0; i < n; i++) { sum += a[i]; }", "SELECT * FROM t WHERE a = 'b';",
    "https://example.com/path?query=1&b=%20#frag", "user@example.com", "C:\\Program Files\\App\\app.exe",
    "<html><body><p>Hi</p></body></html>", '{"key": "value", "n": [1, 2, 3]}', "- item 1\n- item 2\n  - nested",
    "# Title\n\nSome *markdown* with `code` and **bold**.", "tabs\tin\tthe\tmiddle", "trailing spaces   ",
    "   leading spaces", "multiple     spaces     between", "line\u000bvertical tab", "next\u0085line",
    "no\u00a0break\u00a0space", "ideographic\u3000space", "zero\u200bwidth", "soft\u00adhyphen", "combining e\u0301",
    "<|begin_of_text|>hello<|eot_id|>", "<|start_header_id|>user<|end_header_id|>\n\nHi", "<|not_special|>",
    "'s", "'S", "''", "it's", "IT'S", "O'Neil's", "rock 'n' roll", "1990s", "90's", "$100.00", "€50", "£30", "¥1000",
    "a" * 100, "ab " * 50, "ñ" * 40, "😀" * 20, "\n" * 10 + "x", "x" + " " * 20 + "y", "!!!???...", "...",
    "Mixed123Numbers456And789Letters", "snake_case_identifier", "camelCaseIdentifier", "kebab-case-identifier",
    "UPPER_CASE_CONSTANT", "The year 2024 had 366 days.", "Phone: +1 (555) 123-4567", "IPv4 192.168.0.1",
]

WORDS = ["the", "of", "and", "retrieval", "augmented", "generation", "vector", "store", "chunk", "token", "Swift",
         "PostgreSQL", "naïve", "über", "東京", "данные", "🚀", "x86_64", "don't", "we'll", "1234", "3.5", "—", "…"]
SEPARATORS = [" ", "  ", "\n", "\t", ", ", ". ", "\n\n", " - ", "", "'", "/", ":"]


def generated(count, seed=7):
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 30)):
            parts.append(rng.choice(WORDS))
            parts.append(rng.choice(SEPARATORS))
        texts.append("".join(parts))
    for _ in range(count // 4):
        texts.append("".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0x2ff), rng.randint(0x370, 0x52f),
                                             rng.randint(0x3040, 0x30ff), rng.randint(0x4e00, 0x4fff),
                                             rng.randint(0x1f300, 0x1f5ff), 0x0a, 0x20, 0x0d, 0x09]))
                             for _ in range(rng.randint(1, 80))))
    return texts


def main():
    ranks = load_tiktoken_bpe(sys.argv[1])
    specials = {token: len(ranks) + i for i, token in enumerate(SPECIAL)}
    encoding = tiktoken.Encoding(name="llama3", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens=specials)
    cases = []
    for text in FIXED + generated(160):
        cases.append({
            "text": text,
            "ids": encoding.encode(text, allowed_special=set(), disallowed_special=()),
            "ids_special": encoding.encode(text, allowed_special="all", disallowed_special=()),
        })
    with open("tokenizer-llama3.json", "w", encoding="utf-8") as out:
        json.dump({"tiktoken": tiktoken.__version__, "cases": cases}, out, ensure_ascii=False, indent=0)
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
