package io.countctl.core.batch;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * Binary wire format of a {@link DeltaBatch}. Compact because it is the only thing that crosses
 * Kafka on the write path. Version 1:
 *
 * <pre>
 *   magic 'C' (1 byte), version (1 byte)
 *   edgeId (string), epoch, seq, createdAtMillis (varlongs)
 *   counter-name table: count (varint), names (strings)     -- "likes" is written once, not per id
 *   deltas: count (varint), then per delta: name index (varint), id (string), p, n (varlongs)
 * </pre>
 *
 * Version 2 (written only when the batch holds idempotent writes) appends
 * {@code keyed: count (varint), then per write: token (string), name index, id, p, n}. Decoders
 * read both versions.
 *
 * Strings are a varint byte length followed by UTF-8. Varints are Kafka's own ({@link ByteUtils}).
 */
public final class DeltaBatchCodec {

  public static final byte MAGIC = 'C';
  public static final byte VERSION = 1;
  public static final byte VERSION_KEYED = 2;
  private static final int MAX_STRING_BYTES = 4 * CounterKey.MAX_ID_LENGTH;

  private DeltaBatchCodec() {}

  public static byte[] encode(DeltaBatch batch) {
    Map<String, Integer> names = new HashMap<>();
    List<String> nameTable = new ArrayList<>();
    java.util.function.Consumer<String> name = counter -> names.computeIfAbsent(counter, n -> {
      nameTable.add(n);
      return nameTable.size() - 1;
    });
    batch.deltas().forEach(d -> name.accept(d.key().counter()));
    batch.keyed().forEach(d -> name.accept(d.key().counter()));
    boolean keyed = !batch.keyed().isEmpty();
    byte[] edge = utf8(batch.id().edgeId());
    int size = 2 + stringSize(edge) + 3 * 10 + ByteUtils.sizeOfUnsignedVarint(nameTable.size())
        + ByteUtils.sizeOfUnsignedVarint(batch.deltas().size());
    List<byte[]> nameBytes = new ArrayList<>(nameTable.size());
    for (String n : nameTable) {
      byte[] b = utf8(n);
      nameBytes.add(b);
      size += stringSize(b);
    }
    List<byte[]> idBytes = new ArrayList<>(batch.deltas().size());
    for (Delta d : batch.deltas()) {
      byte[] b = utf8(d.key().id());
      idBytes.add(b);
      size += 5 + stringSize(b) + 2 * 10;
    }
    List<byte[]> tokenBytes = new ArrayList<>(batch.keyed().size());
    List<byte[]> keyedIds = new ArrayList<>(batch.keyed().size());
    for (KeyedDelta d : batch.keyed()) {
      byte[] t = utf8(d.token());
      byte[] id = utf8(d.key().id());
      tokenBytes.add(t);
      keyedIds.add(id);
      size += stringSize(t) + 5 + stringSize(id) + 2 * 10;
    }
    size += 5;
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.put(MAGIC).put(keyed ? VERSION_KEYED : VERSION);
    putString(buf, edge);
    ByteUtils.writeVarlong(batch.id().epoch(), buf);
    ByteUtils.writeVarlong(batch.id().seq(), buf);
    ByteUtils.writeVarlong(batch.createdAtMillis(), buf);
    ByteUtils.writeUnsignedVarint(nameBytes.size(), buf);
    nameBytes.forEach(b -> putString(buf, b));
    ByteUtils.writeUnsignedVarint(batch.deltas().size(), buf);
    for (int i = 0; i < batch.deltas().size(); i++) {
      Delta d = batch.deltas().get(i);
      ByteUtils.writeUnsignedVarint(names.get(d.key().counter()), buf);
      putString(buf, idBytes.get(i));
      ByteUtils.writeVarlong(d.change().p(), buf);
      ByteUtils.writeVarlong(d.change().n(), buf);
    }
    if (keyed) {
      ByteUtils.writeUnsignedVarint(batch.keyed().size(), buf);
      for (int i = 0; i < batch.keyed().size(); i++) {
        KeyedDelta d = batch.keyed().get(i);
        putString(buf, tokenBytes.get(i));
        ByteUtils.writeUnsignedVarint(names.get(d.key().counter()), buf);
        putString(buf, keyedIds.get(i));
        ByteUtils.writeVarlong(d.change().p(), buf);
        ByteUtils.writeVarlong(d.change().n(), buf);
      }
    }
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }

  /** Decodes a record value; anything that is not a well-formed batch is a {@link MalformedBatchException}. */
  public static DeltaBatch decode(byte[] bytes) {
    if (bytes == null || bytes.length < 2) {
      throw new MalformedBatchException("record too short to be a delta batch");
    }
    if (bytes[0] != MAGIC) {
      throw new MalformedBatchException("not a delta batch (bad magic byte " + bytes[0] + ")");
    }
    if (bytes[1] != VERSION && bytes[1] != VERSION_KEYED) {
      throw new MalformedBatchException("unsupported delta batch version " + bytes[1]);
    }
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes, 2, bytes.length - 2);
      String edge = getString(buf);
      long epoch = ByteUtils.readVarlong(buf);
      long seq = ByteUtils.readVarlong(buf);
      long created = ByteUtils.readVarlong(buf);
      int nameCount = count(buf);
      String[] names = new String[nameCount];
      for (int i = 0; i < nameCount; i++) {
        names[i] = getString(buf);
      }
      int deltaCount = count(buf);
      List<Delta> deltas = new ArrayList<>(deltaCount);
      for (int i = 0; i < deltaCount; i++) {
        CounterKey key = key(buf, names);
        deltas.add(new Delta(key, new PnCounter(ByteUtils.readVarlong(buf), ByteUtils.readVarlong(buf))));
      }
      List<KeyedDelta> keyed = new ArrayList<>();
      if (bytes[1] == VERSION_KEYED) {
        int keyedCount = count(buf);
        for (int i = 0; i < keyedCount; i++) {
          String token = getString(buf);
          CounterKey key = key(buf, names);
          keyed.add(new KeyedDelta(token, key, new PnCounter(ByteUtils.readVarlong(buf), ByteUtils.readVarlong(buf))));
        }
      }
      if (buf.hasRemaining()) {
        throw new MalformedBatchException(buf.remaining() + " trailing bytes after delta batch");
      }
      return new DeltaBatch(new BatchId(edge, epoch, seq), created, deltas, keyed);
    } catch (MalformedBatchException e) {
      throw e;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new MalformedBatchException("corrupt delta batch: " + e.getMessage(), e);
    }
  }

  private static CounterKey key(ByteBuffer buf, String[] names) {
    int nameIndex = ByteUtils.readUnsignedVarint(buf);
    if (nameIndex < 0 || nameIndex >= names.length) {
      throw new MalformedBatchException("counter name index " + nameIndex + " out of range");
    }
    return new CounterKey(getString(buf), names[nameIndex]);
  }

  private static int count(ByteBuffer buf) {
    int n = ByteUtils.readUnsignedVarint(buf);
    if (n < 0 || n > buf.remaining()) { // every entry takes at least one byte
      throw new MalformedBatchException("implausible entry count " + n);
    }
    return n;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int stringSize(byte[] b) {
    return ByteUtils.sizeOfUnsignedVarint(b.length) + b.length;
  }

  private static void putString(ByteBuffer buf, byte[] b) {
    ByteUtils.writeUnsignedVarint(b.length, buf);
    buf.put(b);
  }

  private static String getString(ByteBuffer buf) {
    int len = ByteUtils.readUnsignedVarint(buf);
    if (len < 0 || len > MAX_STRING_BYTES || len > buf.remaining()) {
      throw new MalformedBatchException("bad string length " + len);
    }
    String s = new String(buf.array(), buf.arrayOffset() + buf.position(), len, StandardCharsets.UTF_8);
    buf.position(buf.position() + len);
    return s;
  }
}
