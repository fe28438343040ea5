package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The real file system: {@link FileChannel}s, memory mappings, owner-only permissions. */
final class FileStorage implements Storage {
  @Override
  public void createDirectories(Path directory) throws IOException {
    Files.createDirectories(directory);
    FilePermissions.restrictDirectory(directory);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) entries.add(file);
    }
    return entries;
  }

  @Override
  public long size(Path file) throws IOException {
    return Files.size(file);
  }

  @Override
  public StorageFile open(Path file, Access access) throws IOException {
    if (access == Access.CREATE) FilePermissions.createOwnerOnlyFile(file);
    FileChannel channel = access == Access.READ
        ? FileChannel.open(file, StandardOpenOption.READ)
        : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new ChannelFile(channel);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static final class ChannelFile implements StorageFile {
    private final FileChannel channel;

    ChannelFile(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer into, long position) throws IOException {
      return channel.read(into, position);
    }

    @Override
    public int write(ByteBuffer from, long position) throws IOException {
      return channel.write(from, position);
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
    }

    @Override
    public void sync() throws IOException {
      channel.force(false); // on Linux this also writes back pages dirtied through a shared mapping
    }

    @Override
    public ByteBuffer map(long size, boolean writable) throws IOException {
      return Mapping.map(channel, writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, size);
    }

    @Override
    public void unmap(ByteBuffer region) {
      if (region instanceof MappedByteBuffer) Mapping.unmap((MappedByteBuffer) region);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
