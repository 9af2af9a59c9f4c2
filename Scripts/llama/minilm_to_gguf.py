"""Writes a sentence-transformers BERT model folder (all-MiniLM-L6-v2) as a GGUF file llama.cpp serves.

    python minilm_to_gguf.py MODEL_DIR OUTPUT.gguf

Reads config.json, model.safetensors (F32; the header is parsed here, no torch or safetensors package),
vocab.txt and 1_Pooling/config.json. Writes the BERT architecture keys llama.cpp's loader reads, the WordPiece
vocabulary in llama.cpp's "phantom space" form (a word start is marked with U+2581, "##" continuations lose
their prefix, [SPECIAL] tokens stay), and every encoder tensor as F32 under llama.cpp's tensor names.
"""

import json
import struct
import sys
from pathlib import Path

import gguf
import numpy as np


def read_safetensors(path: Path) -> dict:
    with path.open("rb") as handle:
        header_length = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(header_length))
        data = handle.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        tensors[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(info["shape"])
    return tensors


def tensor_name(name: str) -> str | None:
    fixed = {
        "embeddings.word_embeddings.weight": "token_embd.weight",
        "embeddings.position_embeddings.weight": "position_embd.weight",
        "embeddings.token_type_embeddings.weight": "token_types.weight",
        "embeddings.LayerNorm.weight": "token_embd_norm.weight",
        "embeddings.LayerNorm.bias": "token_embd_norm.bias",
    }
    if name in fixed:
        return fixed[name]
    parts = name.split(".")
    if parts[:2] != ["encoder", "layer"]:
        return None  # position_ids, pooler: not used by llama.cpp
    block, rest = parts[2], ".".join(parts[3:])
    layer = {
        "attention.self.query": "attn_q",
        "attention.self.key": "attn_k",
        "attention.self.value": "attn_v",
        "attention.output.dense": "attn_output",
        "attention.output.LayerNorm": "attn_output_norm",
        "intermediate.dense": "ffn_up",
        "output.dense": "ffn_down",
        "output.LayerNorm": "layer_output_norm",
    }
    stem, kind = rest.rsplit(".", 1)
    return f"blk.{block}.{layer[stem]}.{kind}"


def phantom(token: str) -> str:
    if token.startswith("[") and token.endswith("]"):
        return token
    if token.startswith("##"):
        return token[2:]
    return "\u2581" + token


def main() -> None:
    model_dir, output = Path(sys.argv[1]), Path(sys.argv[2])
    config = json.loads((model_dir / "config.json").read_text())
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens"):
        raise SystemExit("only mean pooling is supported")
    vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()

    writer = gguf.GGUFWriter(str(output), "bert")
    writer.add_name("all-MiniLM-L6-v2")
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_head_count(config["num_attention_heads"])
    writer.add_layer_norm_eps(config["layer_norm_eps"])
    writer.add_causal_attention(False)
    writer.add_pooling_type(gguf.PoolingType.MEAN)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    types = []
    for token in vocab:
        if token.startswith("[unused"):
            types.append(gguf.TokenType.UNUSED)
        elif token.startswith("[") and token.endswith("]"):
            types.append(gguf.TokenType.CONTROL)
        else:
            types.append(gguf.TokenType.NORMAL)
    writer.add_tokenizer_model("bert")
    writer.add_tokenizer_pre("default")
    writer.add_token_list([phantom(token) for token in vocab])
    writer.add_token_types(types)
    writer.add_token_type_count(config["type_vocab_size"])
    index = {token: position for position, token in enumerate(vocab)}
    writer.add_unk_token_id(index["[UNK]"])
    writer.add_sep_token_id(index["[SEP]"])
    writer.add_pad_token_id(index["[PAD]"])
    writer.add_bos_token_id(index["[CLS]"])  # llama.cpp opens a BERT input with its BOS: [CLS]
    writer.add_mask_token_id(index["[MASK]"])

    for name, array in sorted(read_safetensors(model_dir / "model.safetensors").items()):
        mapped = tensor_name(name)
        if mapped is None:
            continue
        writer.add_tensor(mapped, np.ascontiguousarray(array, dtype=np.float32))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
