package dev.adlake.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client over one kept-alive socket, for the benchmark: GET only, reads the
 * status and the whole body (Content-Length or chunked). Far lighter than java.net.http, so that on
 * a small machine the load generator takes little of the CPU the server is measured on.
 */
final class LoopbackHttpClient implements AutoCloseable {
  private final String host;
  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  LoopbackHttpClient(URI server) {
    this.host = server.getHost();
    this.port = server.getPort();
  }

  /** Sends a GET and returns the status; the body is read and dropped. */
  int get(String pathAndQuery) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = socket.getOutputStream();
    }
    try {
      out.write(
          ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        }
      }
      if (chunked) {
        for (long chunk = Long.parseLong(line().trim(), 16);
            chunk > 0;
            chunk = Long.parseLong(line().trim(), 16)) {
          skip(chunk);
          line();
        }
        line();
      } else if (length >= 0) {
        skip(length);
      }
      if (close) {
        close();
      }
      return status;
    } catch (IOException | RuntimeException e) {
      close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("Connection closed by the server");
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  private void skip(long count) throws IOException {
    long left = count;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("Connection closed in the middle of a body");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing a loopback socket we are done with: nothing to recover.
      }
      socket = null;
    }
  }
}
