package dev.adlake.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface, for services adlake starts on this machine. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /** A port no one listens on right now (the operating system's choice). */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on the loopback interface", e);
    }
  }
}
