import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under one-datagram-per-span X-Ray export on this machine: the sending thread's CPU per UDP datagram
 * over loopback, sent as the relay sends them (a connected DatagramChannel, a direct buffer, bursts of 64 with a
 * sleep between them at a paced rate) to a reader thread standing in for the daemon. Nothing of the relay runs.
 *
 *   java bench/UdpFloor.java [DATAGRAMS_PER_SECOND|max] [SECONDS] [BYTES]     (defaults: 10000 10 800)
 */
public class UdpFloor {
    private static final int BURST = 64;

    public static void main(String[] args) throws Exception {
        boolean max = args.length > 0 && args[0].equals("max");
        int rate = args.length > 0 && !max ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 800;

        DatagramChannel daemon = DatagramChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread reader = new Thread(() -> {
            ByteBuffer in = ByteBuffer.allocateDirect(65_536);
            try {
                while (true) {
                    in.clear();
                    daemon.receive(in);
                }
            } catch (Exception closed) {
                // the program is ending
            }
        }, "daemon");
        reader.setDaemon(true);
        reader.start();

        DatagramChannel sender = DatagramChannel.open();
        sender.connect(daemon.getLocalAddress());
        ByteBuffer datagram = ByteBuffer.allocateDirect(size);
        while (datagram.hasRemaining()) {
            datagram.put((byte) 'x');
        }
        datagram.flip();

        send(sender, datagram, max, rate, 5); // warm-up: the JIT, the socket buffers
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long sent = send(sender, datagram, max, rate, seconds);
        cpu = threads.getCurrentThreadCpuTime() - cpu;
        System.out.printf("%d datagrams of %d bytes, %s: %.2f us of the sending thread's CPU per datagram%n",
                sent, size, max ? "back to back" : rate + " a second in bursts of " + BURST, cpu / 1000.0 / sent);
    }

    private static long send(DatagramChannel channel, ByteBuffer datagram, boolean max, int rate, int seconds)
            throws Exception {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long nanosPerBurst = max ? 0 : BURST * 1_000_000_000L / rate;
        long due = start;
        long sent = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < BURST; i++) {
                datagram.rewind();
                channel.write(datagram);
            }
            sent += BURST;
            due += nanosPerBurst;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return sent;
    }
}
