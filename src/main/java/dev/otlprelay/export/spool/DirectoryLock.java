package dev.otlprelay.export.spool;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One relay per spool directory: an exclusive lock on {@code DIR/lock}, taken before anything in the directory is
 * read or deleted and held for the life of the spool. A second relay started on the same directory (a container
 * restarted while the old one is still stopping, two replicas given one volume, {@code run} typed by mistake)
 * refuses to start, naming the holder, instead of deleting the running relay's segments under it.
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock()}): it goes with the process, so a relay
 * killed with SIGKILL leaves no stale lock behind, and the next one takes it at once. The file itself stays; it
 * holds the holder's description (process id, host, start time) for the message.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the directory's lock; throws, naming the holder, when another process (or spool) has it. */
    static DirectoryLock take(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("honeycomb.spool.dir: " + dir + " is in use by another relay (" + holder(file)
                    + "); one relay per spool directory (expected: a directory of this relay's own, or stop the "
                    + "other relay first)");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(description().getBytes(StandardCharsets.UTF_8)), 0);
        return new DirectoryLock(channel, lock);
    }

    /** Who holds the lock, as it wrote itself into the file. */
    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    private static String description() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "an unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + ", since "
                + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()) + "\n";
    }

    /** Releases the lock; safe twice. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
