package dev.adlake.spark.ingestion.enrich;

import com.google.common.net.InetAddresses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB files (format 2.0, https://maxmind.github.io/MaxMind-DB/) for tests, as
 * no Java writer is published: an IPv6 search tree with 32-bit records, a data section of maps,
 * arrays, strings and unsigned integers, and the metadata. IPv4 networks are stored where MaxMind's
 * readers look for them, under {@code ::/96}.
 */
final class TestingMmdbWriter {
  private static final byte[] METADATA_MARKER = {
    (byte) 0xab, (byte) 0xcd, (byte) 0xef, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };
  private static final int DATA_SECTION_SEPARATOR = 16;

  /** A node of the search tree: each child is a Node, a Leaf or null (no data). */
  private static final class Node {
    final Object[] children = new Object[2];
    int number;
  }

  private record Leaf(Map<String, Object> record) {}

  private final String databaseType;
  private final Node root = new Node();

  TestingMmdbWriter(String databaseType) {
    this.databaseType = databaseType;
  }

  /** Maps a network, such as {@code 81.2.69.0/24} or {@code 2001:db8::/32}, to a record. */
  TestingMmdbWriter insert(String cidr, Map<String, Object> record) {
    int slash = cidr.indexOf('/');
    InetAddress address = InetAddresses.forString(cidr.substring(0, slash));
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    byte[] bytes = new byte[16];
    if (address instanceof Inet4Address) {
      System.arraycopy(address.getAddress(), 0, bytes, 12, 4);
      prefix += 96;
    } else {
      bytes = address.getAddress();
    }
    Node node = root;
    for (int bit = 0; bit < prefix - 1; bit++) {
      int side = bit(bytes, bit);
      Object child = node.children[side];
      if (child instanceof Leaf) {
        throw new IllegalArgumentException(cidr + " is inside a network already inserted");
      }
      if (child == null) {
        child = new Node();
        node.children[side] = child;
      }
      node = (Node) child;
    }
    node.children[bit(bytes, prefix - 1)] = new Leaf(record);
    return this;
  }

  void write(Path file) throws IOException {
    Files.write(file, toBytes());
  }

  byte[] toBytes() {
    List<Node> nodes = new ArrayList<>();
    Deque<Node> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      Node node = queue.removeFirst();
      node.number = nodes.size();
      nodes.add(node);
      for (Object child : node.children) {
        if (child instanceof Node next) {
          queue.addLast(next);
        }
      }
    }
    long nodeCount = nodes.size();

    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Map<Leaf, Integer> offsets = new IdentityHashMap<>();
    for (Node node : nodes) {
      for (Object child : node.children) {
        if (child instanceof Leaf leaf && !offsets.containsKey(leaf)) {
          offsets.put(leaf, data.size());
          encode(data, leaf.record());
        }
      }
    }

    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (Node node : nodes) {
      for (Object child : node.children) {
        long record;
        if (child instanceof Node next) {
          record = next.number;
        } else if (child instanceof Leaf leaf) {
          record = nodeCount + DATA_SECTION_SEPARATOR + offsets.get(leaf);
        } else {
          record = nodeCount;
        }
        writeUnsigned(file, record, 4);
      }
    }
    file.writeBytes(new byte[DATA_SECTION_SEPARATOR]);
    file.writeBytes(data.toByteArray());
    file.writeBytes(METADATA_MARKER);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", new Unsigned(nodeCount, 6));
    metadata.put("record_size", new Unsigned(32, 5));
    metadata.put("ip_version", new Unsigned(6, 5));
    metadata.put("database_type", databaseType);
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", new Unsigned(2, 5));
    metadata.put("binary_format_minor_version", new Unsigned(0, 5));
    metadata.put("build_epoch", new Unsigned(1_700_000_000L, 9));
    metadata.put("description", Map.of("en", "adlake test database"));
    encode(file, metadata);
    return file.toByteArray();
  }

  /** An unsigned integer of a given MMDB type: 5 uint16, 6 uint32, 9 uint64. */
  record Unsigned(long value, int type) {}

  private static void encode(ByteArrayOutputStream out, Object value) {
    if (value instanceof String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      control(out, 2, bytes.length);
      out.writeBytes(bytes);
    } else if (value instanceof Map<?, ?> map) {
      control(out, 7, map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        encode(out, (String) entry.getKey());
        encode(out, entry.getValue());
      }
    } else if (value instanceof List<?> list) {
      control(out, 11, list.size());
      for (Object element : list) {
        encode(out, element);
      }
    } else if (value instanceof Unsigned number) {
      int length = (64 - Long.numberOfLeadingZeros(number.value()) + 7) / 8;
      control(out, number.type(), length);
      writeUnsigned(out, number.value(), length);
    } else if (value instanceof Long number) {
      encode(out, new Unsigned(number, 6));
    } else {
      throw new IllegalArgumentException("No MMDB encoding here for " + value);
    }
  }

  /** The control byte(s): type in the top 3 bits (0 and an extra byte past 7), then the size. */
  private static void control(ByteArrayOutputStream out, int type, int size) {
    int typeBits = type <= 7 ? type << 5 : 0;
    if (size < 29) {
      out.write(typeBits | size);
      extendedType(out, type);
    } else if (size < 29 + 256) {
      out.write(typeBits | 29);
      extendedType(out, type);
      out.write(size - 29);
    } else {
      throw new IllegalArgumentException("Values this large are not needed in tests: " + size);
    }
  }

  private static void extendedType(ByteArrayOutputStream out, int type) {
    if (type > 7) {
      out.write(type - 7);
    }
  }

  private static void writeUnsigned(ByteArrayOutputStream out, long value, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
  }

  private static int bit(byte[] bytes, int index) {
    return (bytes[index / 8] >> (7 - index % 8)) & 1;
  }
}
