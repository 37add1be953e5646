package dev.netknife.io;

import java.nio.channels.WritableByteChannel;

/** An output stream that can also take bytes as a channel (a file), so bulk copies skip the byte[] round trip. */
public interface ChannelOutput {
    WritableByteChannel channel();
}
