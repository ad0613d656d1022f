import io.countctl.core.sketch.SketchOptions;
import io.countctl.core.sketch.TopItems;
import io.countctl.core.sketch.UniqueSketch;
import java.lang.ref.Reference;
import java.util.function.Supplier;

/**
 * Bytes of one counter's sketches at the default sizes, by audience: serialized (what a batch,
 * a Redis field and a shipment carry) and retained on the heap (an edge's per-flush sketch,
 * measured over many instances). Run by bench/sketches.sh:
 * java -XX:+UseSerialGC -cp <core classes + datasketches jar> bench/SketchBytes.java
 */
public class SketchBytes {
  public static void main(String[] args) {
    measure(false); // warm-up: class loading and JIT out of the way
    measure(true);
  }

  static void measure(boolean print) {
    SketchOptions o = SketchOptions.DEFAULTS;
    if (print) {
      System.out.println("| distinct users (items) | CPC lgK " + o.lgK() + " serialized | CPC on the heap | top-K (map "
          + o.mapSize() + ") serialized | top-K on the heap |");
      System.out.println("|---|---|---|---|---|");
    }
    for (int n : new int[] {1, 10, 100, 1_000, 10_000, 200_000}) {
      int copies = Math.max(10, Math.min(1_000, 1_000_000 / n));
      Supplier<Object> cpc = () -> {
        UniqueSketch u = UniqueSketch.empty(o.lgK());
        for (int i = 0; i < n; i++) {
          u.add("u-" + i);
        }
        return u;
      };
      Supplier<Object> top = () -> {
        TopItems t = TopItems.empty(o.mapSize());
        for (int i = 0; i < n; i++) {
          t.add("i-" + (i % 5_000), 1);
        }
        return t;
      };
      long cpcHeap = retained(cpc, copies);
      long topHeap = retained(top, copies);
      if (print) {
        System.out.printf("| %d | %d B | %d B | %d B | %d B |%n", n, ((UniqueSketch) cpc.get()).toBytes().length, cpcHeap,
            ((TopItems) top.get()).toBytes().length, topHeap);
      }
    }
  }

  /**
   * Heap retained per instance: the growth between the second and third of three equal rounds
   * of allocation, all kept alive (the first round absorbs garbage a full GC frees late).
   */
  static long retained(Supplier<Object> make, int copies) {
    Object[] keep = new Object[3 * copies];
    long[] used = new long[3];
    for (int round = 0; round < 3; round++) {
      for (int c = 0; c < copies; c++) {
        keep[round * copies + c] = make.get();
      }
      used[round] = used();
    }
    Reference.reachabilityFence(keep);
    return (used[2] - used[1]) / copies;
  }

  static long used() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
