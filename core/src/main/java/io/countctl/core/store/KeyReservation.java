package io.countctl.core.store;

import java.util.Set;

/**
 * What {@link CounterStore#reserveKeys} found for a request's keyed writes.
 *
 * @param conflict index of the first write whose key belongs to another write of its counter (the
 *     request is refused, nothing was taken), or -1
 * @param again indexes of the writes whose key was already bound to this same write: a retry, whose
 *     first attempt may already be counted or on its way (the worker counts the token once)
 * @param checked false when the store did not answer (in time): then any keyed write may be
 *     such a retry
 */
public record KeyReservation(int conflict, Set<Integer> again, boolean checked) {
  /** Not checked: every write accepted, none known to be new. */
  public static final KeyReservation UNCHECKED = new KeyReservation(-1, Set.of(), false);

  public KeyReservation {
    again = Set.copyOf(again);
  }

  public boolean refused() {
    return conflict >= 0;
  }

  /** Whether write {@code i} is known to be the first use of its key (so a read may show it). */
  public boolean firstUse(int i) {
    return checked && !again.contains(i);
  }
}
