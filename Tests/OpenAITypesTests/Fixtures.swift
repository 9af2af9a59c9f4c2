import StorageRefs

/// Realistic API payloads, written after the shapes in the public OpenAI API reference, with a few
/// fields no version of the API has (`x_…`) to prove unknown fields survive.
enum Fixtures {
    /// A chat completion whose only choice calls a tool, with usage, nullable fields set to `null`,
    /// an unknown field inside the choice and unknown numbers at the top level (1, 1.0, 2^53 + 1).
    static let chatCompletionWithToolCall = #"""
        {
          "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
          "object": "chat.completion",
          "created": 1741570283,
          "model": "gpt-4o-2024-08-06",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": null,
                "tool_calls": [
                  {
                    "id": "call_12345xyz",
                    "type": "function",
                    "function": {
                      "name": "get_weather",
                      "arguments": "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"
                    }
                  }
                ],
                "refusal": null,
                "annotations": []
              },
              "logprobs": null,
              "finish_reason": "tool_calls",
              "x_new_field": {"a": [1, 2.5]}
            }
          ],
          "usage": {
            "prompt_tokens": 82,
            "completion_tokens": 17,
            "total_tokens": 99,
            "prompt_tokens_details": {"cached_tokens": 64, "audio_tokens": 0},
            "completion_tokens_details": {
              "reasoning_tokens": 0,
              "audio_tokens": 0,
              "accepted_prediction_tokens": 0,
              "rejected_prediction_tokens": 0
            }
          },
          "service_tier": "default",
          "system_fingerprint": "fp_fc9f1d7035",
          "x_vendor": {"big": 9007199254740993, "one": 1, "one_point_zero": 1.0, "text": "é \"q\"\n"}
        }
        """#

    /// A plain text completion with log probabilities and a `null` system fingerprint.
    static let chatCompletionWithLogprobs = #"""
        {
          "id": "chatcmpl-123",
          "object": "chat.completion",
          "created": 1702685778,
          "model": "gpt-4o-mini",
          "choices": [
            {
              "index": 0,
              "message": {"role": "assistant", "content": "Hello! How can I assist you today?", "refusal": null},
              "logprobs": {
                "content": [
                  {
                    "token": "Hello",
                    "logprob": -0.31725305,
                    "bytes": [72, 101, 108, 108, 111],
                    "top_logprobs": [
                      {"token": "Hello", "logprob": -0.31725305, "bytes": [72, 101, 108, 108, 111]},
                      {"token": "Hi", "logprob": -1.3190403, "bytes": [72, 105]}
                    ]
                  },
                  {"token": "!", "logprob": -0.02380986, "bytes": [33], "top_logprobs": []}
                ],
                "refusal": null
              },
              "finish_reason": "stop"
            }
          ],
          "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
          "system_fingerprint": null
        }
        """#

    /// The `messages` of a chat request: developer, user with text and an image, the assistant's
    /// tool call, the tool's answer, and an old-style system message with a name.
    static let chatRequestMessages = #"""
        [
          {"role": "developer", "content": "You are a helpful assistant."},
          {
            "role": "user",
            "content": [
              {"type": "text", "text": "What's in this image?"},
              {
                "type": "image_url",
                "image_url": {"url": "https://upload.wikimedia.org/boardwalk.jpg", "detail": "high"}
              },
              {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}
            ]
          },
          {
            "role": "assistant",
            "content": null,
            "tool_calls": [
              {
                "id": "call_12345xyz",
                "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"location\":\"Paris, France\"}"}
              }
            ]
          },
          {"role": "tool", "tool_call_id": "call_12345xyz", "content": "{\"temperature\": 14, \"unit\": \"celsius\"}"},
          {"role": "system", "content": "Answer briefly.", "name": "setup"}
        ]
        """#

    /// A completed Responses API response with reasoning, web search, file search, function call and
    /// message items, tools, a JSON schema text format and a previous response; `temperature` is
    /// `1.0` and `top_p` is `1`.
    static let response = #"""
        {
          "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
          "object": "response",
          "created_at": 1741476542,
          "status": "completed",
          "error": null,
          "incomplete_details": null,
          "instructions": "You are a concise assistant.",
          "max_output_tokens": null,
          "model": "o4-mini-2025-04-16",
          "output": [
            {
              "id": "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7",
              "type": "reasoning",
              "summary": [{"type": "summary_text", "text": "**Looking up the weather**"}],
              "encrypted_content": null
            },
            {
              "type": "web_search_call",
              "id": "ws_67c9fa0502748190b7dd390736892e100be649c1a5ff9609",
              "status": "completed",
              "action": {"type": "search", "query": "weather Boston today"}
            },
            {
              "type": "file_search_call",
              "id": "fs_67c09ccea8c48191ade9367e3ba71515",
              "status": "completed",
              "queries": ["What is deep research?"],
              "results": null
            },
            {
              "type": "function_call",
              "id": "fc_67ca09c6bedc8190a7abfec07b1a1332096610f474011cc0",
              "call_id": "call_unLAR8MvFNptuiZK6K6HCy5k",
              "name": "get_current_weather",
              "arguments": "{\"location\":\"Boston, MA\",\"unit\":\"celsius\"}",
              "status": "completed"
            },
            {
              "type": "message",
              "id": "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
              "status": "completed",
              "role": "assistant",
              "content": [
                {"type": "output_text", "text": "{\"city\":\"Boston\",", "annotations": []},
                {
                  "type": "output_text",
                  "text": "\"celsius\":14}",
                  "annotations": [
                    {"type": "url_citation", "start_index": 0, "end_index": 9, "url": "https://example.com", "title": "Example"}
                  ],
                  "x_part_field": [1.0, 1]
                }
              ]
            }
          ],
          "parallel_tool_calls": true,
          "previous_response_id": "resp_67ccd2a3b6c08190b0ea6ed4a04a3c7e0bb6a6b452d3795b",
          "reasoning": {"effort": "medium", "summary": null},
          "store": true,
          "temperature": 1.0,
          "text": {
            "format": {
              "type": "json_schema",
              "name": "weather",
              "schema": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "celsius": {"type": "number"}},
                "required": ["city", "celsius"],
                "additionalProperties": false
              },
              "strict": true
            }
          },
          "tool_choice": "auto",
          "tools": [
            {
              "type": "function",
              "name": "get_current_weather",
              "description": "Get the current weather in a given location",
              "parameters": {
                "type": "object",
                "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                "required": ["location", "unit"]
              },
              "strict": true
            },
            {"type": "web_search_preview", "search_context_size": "medium", "user_location": null},
            {"type": "file_search", "vector_store_ids": ["vs_1234567890"], "max_num_results": 20}
          ],
          "top_p": 1,
          "truncation": "disabled",
          "usage": {
            "input_tokens": 36,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 87,
            "output_tokens_details": {"reasoning_tokens": 64},
            "total_tokens": 123
          },
          "user": null,
          "metadata": {"topic": "weather"},
          "x_seed": 9007199254740993
        }
        """#

    /// The input items list of a stored response (`GET /v1/responses/{id}/input_items`).
    static let inputItemsList = #"""
        {
          "object": "list",
          "data": [
            {
              "id": "msg_abc123",
              "type": "message",
              "role": "user",
              "status": "completed",
              "content": [
                {"type": "input_text", "text": "What is the weather in Boston? "},
                {"type": "input_image", "image_url": "https://example.com/boston.png", "detail": "auto"},
                {"type": "input_text", "text": "Answer in Celsius."}
              ]
            },
            {
              "id": "fc_abc456",
              "type": "function_call",
              "call_id": "call_unLAR8MvFNptuiZK6K6HCy5k",
              "name": "get_current_weather",
              "arguments": "{\"location\":\"Boston, MA\"}",
              "status": "completed"
            },
            {
              "id": "fco_abc789",
              "type": "function_call_output",
              "call_id": "call_unLAR8MvFNptuiZK6K6HCy5k",
              "output": "{\"celsius\": 14}",
              "status": "completed"
            }
          ],
          "first_id": "msg_abc123",
          "last_id": "fco_abc789",
          "has_more": false
        }
        """#

    /// A request's `input` array: easy messages without `type`, a function call, its output and an
    /// item reference.
    static let requestInput = #"""
        [
          {"role": "developer", "content": "Talk like a pirate."},
          {
            "role": "user",
            "content": [
              {"type": "input_text", "text": "what is in this image?"},
              {"type": "input_image", "image_url": "https://example.com/ship.png"}
            ]
          },
          {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"},
          {"type": "function_call_output", "call_id": "call_1", "output": "{\"celsius\": 14}"},
          {"type": "item_reference", "id": "msg_123"}
        ]
        """#
}

extension JSONValue {
    /// The value as Foundation's `JSONDecoder` delivers it: its number tokens carry no "was written with
    /// a fraction" flag, so `JSONValue`'s decoding reads `1.0` as the integer `1`.
    var withIntegralDoublesAsIntegers: JSONValue {
        switch self {
        case .double(let number) where number == number.rounded() && abs(number) < 9.2e18: .int(Int64(number))
        case .array(let elements): .array(elements.map(\.withIntegralDoublesAsIntegers))
        case .object(let members): .object(members.mapValues(\.withIntegralDoublesAsIntegers))
        default: self
        }
    }
}
