package dev.otlprelay.receive;

/**
 * A request body that cannot be decoded. The message is returned to the client verbatim (in a
 * {@code google.rpc.Status}), so it must say what was wrong, where, and what was expected.
 */
public class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        // No stack trace: this is a client's mistake, not ours, and a flood of bad requests should stay cheap.
        super(message, null, false, false);
    }
}
