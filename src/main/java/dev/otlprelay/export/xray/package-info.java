/**
 * The AWS X-Ray destination: a service's spans become one X-Ray segment document with its subsegments nested
 * inside, as the X-Ray SDKs send them, one document per UDP datagram to the X-Ray daemon.
 * {@link dev.otlprelay.export.xray.SegmentTranslator} reads a span with one small class per document section
 * ({@code HttpSection}, {@code CauseSection}, {@code AwsSection}, {@code SqlSection}, {@code Annotations});
 * {@code DocumentAssembler} places each span (heading a document, or nested in its parent's) and
 * {@code DocumentSplitter} keeps each document within a datagram and the nesting bounds; {@code DatagramEncoder}
 * writes a document with Jackson's streaming generator and shrinks a single span's to fit a datagram;
 * {@code UdpEmitter} sends them, paced by {@code Pacer}. See {@code docs/xray.md} for the mapping.
 *
 * <p>All of it runs for every span on the destination's one thread, so what is the same from span to span is done
 * once: {@code Attributes} indexes a span's keys in one small array rather than a map; one generator writes every
 * document; fixed field names are encoded once ({@code JsonFields}) and a resource's metadata once per resource
 * ({@code ResourceMetadata}); ids and times are written from one reused buffer; and {@code ByteSink} holds the
 * datagram in a direct buffer, which the channel sends without a copy. None of it changes a byte of the documents.
 * {@code XrayTranslateBenchmark} (src/bench) measures the path.
 */
package dev.otlprelay.export.xray;
