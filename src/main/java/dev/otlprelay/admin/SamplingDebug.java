package dev.otlprelay.admin;

/**
 * What the sampling stage shows on the admin endpoint, as JSON text. The admin server does not know the sampling
 * stage; the composition root hands it this view.
 */
public interface SamplingDebug {
    /** {@code GET /debug/sampling}: the rules in force per destination with their counters. */
    String describe();

    /**
     * {@code POST /debug/sampling/explain}: for an OTLP/JSON trace request, per trace, the matched rule, the
     * normalised values it matched on, the decision and the weight, without changing any counter or reservoir.
     */
    Answer explain(byte[] otlpJson);

    /** An HTTP status and a JSON body. */
    record Answer(int status, String json) {
    }

    /** The view when sampling is off: everything is kept. */
    SamplingDebug OFF = new SamplingDebug() {
        @Override
        public String describe() {
            return "{\"active\":false,\"note\":\"no sampling rules or conditions are configured: every trace is kept\"}\n";
        }

        @Override
        public Answer explain(byte[] otlpJson) {
            return new Answer(200, describe());
        }
    };
}
