package dev.otlprelay.pipeline;

/** The two body encodings OTLP defines: binary protobuf and OTLP/JSON. */
public enum OtlpEncoding { PROTOBUF, JSON }
