package dev.otlprelay.export.xray;

/**
 * How much of a document to write: the full document first, then the shrinking steps of
 * {@link DatagramEncoder} when it does not fit in one datagram.
 *
 * @param metadata       write {@code metadata.default} (attributes, resource, unparsed stacks)
 * @param maxString      longest free-text value (URL, user agent, message, query, stack frame field), in chars
 * @param maxExceptions  exceptions written in {@code cause}
 * @param maxFrames      stack frames written per exception; the rest is counted in {@code truncated}
 * @param maxLinks       span links written
 * @param linkAttributes write the links' attributes
 * @param truncated      what was left out, for the document's own truncation marker; null when complete
 */
record Limits(boolean metadata, int maxString, int maxExceptions, int maxFrames, int maxLinks,
              boolean linkAttributes, String truncated) {

    /** The whole document. Frame and exception caps follow the X-Ray SDKs (50 frames); links X-Ray's 20. */
    static final Limits FULL = new Limits(true, Integer.MAX_VALUE, 10, 50, 20, true, null);
    /** After metadata and annotations: shorter strings, fewer frames, links without attributes. */
    static final Limits COMPACT = new Limits(false, 1024, 5, 20, 20, false, "metadata,annotations,strings");
    /** The last resort: what identifies the work and its outcome. */
    static final Limits MINIMAL = new Limits(false, 256, 1, 0, 0, false, "metadata,annotations,strings,cause,links");

    Limits withoutMetadata(String what) {
        return new Limits(false, maxString, maxExceptions, maxFrames, maxLinks, linkAttributes, what);
    }

    /** {@code s} cut to {@link #maxString} characters, never between the two halves of a surrogate pair. */
    String clip(String s) {
        return clip(s, maxString);
    }

    static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
