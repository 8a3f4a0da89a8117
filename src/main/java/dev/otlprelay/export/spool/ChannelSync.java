package dev.otlprelay.export.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** Forces a channel to disk. Every fsync of the spool goes through one, so that tests can count or fail them. */
@FunctionalInterface
interface ChannelSync {

    /** The real thing. */
    ChannelSync FORCE = FileChannel::force;

    void force(FileChannel channel, boolean metaData) throws IOException;
}
