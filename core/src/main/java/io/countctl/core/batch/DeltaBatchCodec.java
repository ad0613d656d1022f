package io.countctl.core.batch;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchDelta;
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
 * {@code keyed: count (varint), then per write: token (string), name index, id, p, n}.
 *
 * Version 3 (written only when the batch feeds sketches) appends instead
 * {@code keyed: count, then per write: token, name index, id, p, n, flags (1 byte: 1 user, 2 item),
 * [user], [item]} and {@code sketches: count, then per counter: name index, id, flags (1 byte:
 * 1 unique, 2 top users, 4 top items), each present part as bytes (varint length + DataSketches'
 * own serialized form)}. Decoders read every version.
 *
 * Strings are a varint byte length followed by UTF-8. Varints are Kafka's own ({@link ByteUtils}).
 */
public final class DeltaBatchCodec {

  public static final byte MAGIC = 'C';
  public static final byte VERSION = 1;
  public static final byte VERSION_KEYED = 2;
  public static final byte VERSION_SKETCHES = 3;
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
    batch.sketches().forEach(d -> name.accept(d.key().counter()));
    boolean sketched = !batch.sketches().isEmpty() || batch.keyed().stream().anyMatch(KeyedDelta::sketched);
    byte version = sketched ? VERSION_SKETCHES : batch.keyed().isEmpty() ? VERSION : VERSION_KEYED;
    Out out = new Out(64 + 40 * (batch.deltas().size() + batch.keyed().size())
        + batch.sketches().stream().mapToInt(d -> 300 + d.bytes()).sum());
    out.buf.put(MAGIC).put(version);
    out.string(batch.id().edgeId());
    out.varlong(batch.id().epoch());
    out.varlong(batch.id().seq());
    out.varlong(batch.createdAtMillis());
    out.varint(nameTable.size());
    nameTable.forEach(out::string);
    out.varint(batch.deltas().size());
    for (Delta d : batch.deltas()) {
      out.varint(names.get(d.key().counter()));
      out.string(d.key().id());
      out.varlong(d.change().p());
      out.varlong(d.change().n());
    }
    if (version == VERSION) {
      return out.bytes();
    }
    out.varint(batch.keyed().size());
    for (KeyedDelta d : batch.keyed()) {
      out.string(d.token());
      out.varint(names.get(d.key().counter()));
      out.string(d.key().id());
      out.varlong(d.change().p());
      out.varlong(d.change().n());
      if (version == VERSION_SKETCHES) {
        out.buf.put((byte) ((d.user() != null ? 1 : 0) | (d.item() != null ? 2 : 0)));
        if (d.user() != null) {
          out.string(d.user());
        }
        if (d.item() != null) {
          out.string(d.item());
        }
      }
    }
    if (version == VERSION_SKETCHES) {
      out.varint(batch.sketches().size());
      for (SketchDelta d : batch.sketches()) {
        out.varint(names.get(d.key().counter()));
        out.string(d.key().id());
        out.buf.put((byte) ((d.unique() != null ? 1 : 0) | (d.topUsers() != null ? 2 : 0) | (d.topItems() != null ? 4 : 0)));
        for (byte[] part : new byte[][] {d.unique(), d.topUsers(), d.topItems()}) {
          if (part != null) {
            out.bytes(part);
          }
        }
      }
    }
    return out.bytes();
  }

  /** A growing buffer: the encoder's size guess is only a start. */
  private static final class Out {
    ByteBuffer buf;

    Out(int initial) {
      buf = ByteBuffer.allocate(initial);
    }

    void ensure(int more) {
      if (buf.remaining() < more) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }

    void varint(int v) {
      ensure(5);
      ByteUtils.writeUnsignedVarint(v, buf);
    }

    void varlong(long v) {
      ensure(10);
      ByteUtils.writeVarlong(v, buf);
    }

    void string(String s) {
      bytes(utf8(s));
    }

    void bytes(byte[] b) {
      ensure(5 + b.length);
      ByteUtils.writeUnsignedVarint(b.length, buf);
      buf.put(b);
    }

    byte[] bytes() {
      byte[] out = new byte[buf.position()];
      buf.flip().get(out);
      return out;
    }
  }

  /** Decodes a record value; anything that is not a well-formed batch is a {@link MalformedBatchException}. */
  public static DeltaBatch decode(byte[] bytes) {
    if (bytes == null || bytes.length < 2) {
      throw new MalformedBatchException("record too short to be a delta batch");
    }
    if (bytes[0] != MAGIC) {
      throw new MalformedBatchException("not a delta batch (bad magic byte " + bytes[0] + ")");
    }
    if (bytes[1] != VERSION && bytes[1] != VERSION_KEYED && bytes[1] != VERSION_SKETCHES) {
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
      List<SketchDelta> sketches = new ArrayList<>();
      if (bytes[1] != VERSION) {
        int keyedCount = count(buf);
        for (int i = 0; i < keyedCount; i++) {
          String token = getString(buf);
          CounterKey key = key(buf, names);
          PnCounter change = new PnCounter(ByteUtils.readVarlong(buf), ByteUtils.readVarlong(buf));
          String user = null;
          String item = null;
          if (bytes[1] == VERSION_SKETCHES) {
            byte flags = buf.get();
            user = (flags & 1) != 0 ? getString(buf) : null;
            item = (flags & 2) != 0 ? getString(buf) : null;
          }
          keyed.add(new KeyedDelta(token, key, change, user, item));
        }
      }
      if (bytes[1] == VERSION_SKETCHES) {
        int sketchCount = count(buf);
        for (int i = 0; i < sketchCount; i++) {
          CounterKey key = key(buf, names);
          byte flags = buf.get();
          byte[] unique = (flags & 1) != 0 ? getBytes(buf) : null;
          byte[] topUsers = (flags & 2) != 0 ? getBytes(buf) : null;
          byte[] topItems = (flags & 4) != 0 ? getBytes(buf) : null;
          sketches.add(new SketchDelta(key, unique, topUsers, topItems));
        }
      }
      if (buf.hasRemaining()) {
        throw new MalformedBatchException(buf.remaining() + " trailing bytes after delta batch");
      }
      return new DeltaBatch(new BatchId(edge, epoch, seq), created, deltas, keyed, sketches);
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

  private static byte[] getBytes(ByteBuffer buf) {
    int len = ByteUtils.readUnsignedVarint(buf);
    if (len < 0 || len > buf.remaining()) {
      throw new MalformedBatchException("bad sketch length " + len);
    }
    byte[] out = new byte[len];
    buf.get(out);
    return out;
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
