package dev.adlake.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * GET requests from a chosen loopback address (127.0.0.2, 127.0.0.3, ...), so that a test on one
 * machine can be several clients to the server's per-client limits.
 */
final class LoopbackClients {
  private LoopbackClients() {}

  /** The status of a GET of that URL sent from {@code fromAddress}, with those headers. */
  static int status(String fromAddress, String url, Map<String, String> headers) {
    URI uri = URI.create(url);
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(fromAddress, 0));
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
      socket.setSoTimeout(10_000);
      StringBuilder request =
          new StringBuilder("GET ")
              .append(uri.getRawPath())
              .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
              .append(" HTTP/1.1\r\nHost: ")
              .append(uri.getHost())
              .append(':')
              .append(uri.getPort())
              .append("\r\nConnection: close\r\n");
      headers.forEach(
          (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder statusLine = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
        statusLine.append((char) b);
      }
      String[] parts = statusLine.toString().split(" ");
      if (parts.length < 2) {
        throw new IOException("No status line from " + url + ": " + statusLine);
      }
      return Integer.parseInt(parts[1]);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot GET " + url + " from " + fromAddress + ": " + e, e);
    }
  }
}
