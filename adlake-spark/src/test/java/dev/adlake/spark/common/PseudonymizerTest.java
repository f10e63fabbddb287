package dev.adlake.spark.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PseudonymizerTest {
  private static final String KEY = "adlake-test-key-0123456789";

  @Test
  void isTheFirstHalfOfHmacSha256AsInRfc4231() {
    // RFC 4231 test case 1: key 0x0b x 20, data "Hi There",
    // HMAC-SHA256 b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7
    byte[] key = new byte[20];
    Arrays.fill(key, (byte) 0x0b);
    assertThat(new Pseudonymizer(key).pseudonymize("Hi There"))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b");
    // Test case 6: key 0xaa x 131 (longer than a block), HMAC-SHA256 60e431591ee0b67f0d8a...
    byte[] longKey = new byte[131];
    Arrays.fill(longKey, (byte) 0xaa);
    assertThat(
            new Pseudonymizer(longKey)
                .pseudonymize("Test Using Larger Than Block-Size Key - Hash Key First"))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f");
  }

  @Test
  void isStableAndKeyed() {
    Pseudonymizer pseudonymizer = new Pseudonymizer(KEY);
    String pseudonym = pseudonymizer.pseudonymize("user-42");
    assertThat(pseudonym).matches("[0-9a-f]{32}");
    assertThat(new Pseudonymizer(KEY).pseudonymize("user-42")).isEqualTo(pseudonym);
    assertThat(pseudonymizer.pseudonymize("user-43")).isNotEqualTo(pseudonym);
    assertThat(new Pseudonymizer(KEY + "!").pseudonymize("user-42")).isNotEqualTo(pseudonym);
    assertThat(pseudonymizer.pseudonymize(null)).isNull();
  }

  @Test
  void rejectsAShortKeyWithoutPrintingIt() {
    assertThatThrownBy(() -> new Pseudonymizer("short-secret"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "The pseudonym key (enrich.pseudonym-key) must be at least 16 bytes; the one given has"
                + " 12")
        .hasMessageNotContaining("short-secret");
    assertThat(new Pseudonymizer(KEY).toString()).doesNotContain(KEY);
  }

  @Test
  void survivesSerializationAndConcurrentUse() throws Exception {
    Pseudonymizer original = new Pseudonymizer(KEY);
    Pseudonymizer copy = roundTrip(original);
    assertThat(copy.pseudonymize("user-42")).isEqualTo(original.pseudonymize("user-42"));

    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      var results =
          IntStream.range(0, 4)
              .mapToObj(
                  thread ->
                      threads.submit(
                          () ->
                              IntStream.range(0, 10_000)
                                  .allMatch(
                                      i ->
                                          copy.pseudonymize("user-" + (i % 100))
                                              .equals(original.pseudonymize("user-" + (i % 100))))))
              .toList();
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aRingAppliesEachKeyToThePseudonymBefore() throws Exception {
    String rotation = "adlake-rotation-key-9876543210";
    Pseudonymizer ring = Pseudonymizer.ring(List.of(KEY, rotation));
    String inner = new Pseudonymizer(KEY).pseudonymize("user-42");
    assertThat(ring.generation()).isEqualTo(2);
    assertThat(ring.pseudonymize("user-42"))
        .isEqualTo(new Pseudonymizer(rotation).pseudonymize(inner))
        .isNotEqualTo(inner)
        .matches("[0-9a-f]{32}");
    assertThat(roundTrip(ring).pseudonymize("user-42")).isEqualTo(ring.pseudonymize("user-42"));
    assertThat(ring.toString()).doesNotContain(KEY).doesNotContain(rotation);
    assertThatThrownBy(() -> Pseudonymizer.ring(List.of(KEY, "short-rotation")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("rotation 1")
        .hasMessageNotContaining("short-rotation");
  }

  private static Pseudonymizer roundTrip(Pseudonymizer pseudonymizer)
      throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(pseudonymizer);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (Pseudonymizer) in.readObject();
    }
  }
}
