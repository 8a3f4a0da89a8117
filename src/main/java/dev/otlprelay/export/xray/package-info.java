/**
 * The AWS X-Ray destination: one span becomes one X-Ray segment document, sent as one UDP datagram to the X-Ray
 * daemon. {@link dev.otlprelay.export.xray.SegmentTranslator} reads a span with one small class per document
 * section ({@code HttpSection}, {@code CauseSection}, {@code AwsSection}, {@code SqlSection}, {@code Annotations});
 * {@code DatagramEncoder} writes the document with Jackson's streaming generator and shrinks it to fit a datagram;
 * {@code UdpEmitter} sends it, paced by {@code Pacer}. See {@code docs/xray.md} for the mapping.
 */
package dev.otlprelay.export.xray;
