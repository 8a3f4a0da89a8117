package dev.otlprelay.export.xray;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** Keeps every datagram instead of sending it; can be told which sends fail. */
final class CapturingSender implements DatagramSender {
    final List<byte[]> datagrams = new ArrayList<>();
    private final IntPredicate fails;
    private int attempts;

    CapturingSender() {
        this(i -> false);
    }

    /** {@code fails} is asked with the 0-based number of each send attempt. */
    CapturingSender(IntPredicate fails) {
        this.fails = fails;
    }

    @Override
    public boolean send(ByteBuffer datagram) {
        if (fails.test(attempts++)) {
            return false;
        }
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(copy);
        datagrams.add(copy);
        return true;
    }

    @Override
    public void close() {
    }
}
