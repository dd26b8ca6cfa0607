package dev.wasmesh.deploy.istio;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CRUD mock server cannot exec, so this dispatcher answers the exec websocket itself with a tiny shell per pod
 * container that knows the commands a pod copy and a removal run —
 * {@code sh -c "mkdir -p D && cat - > F && echo $?"}, {@code sh -c "wc -c < F"} and {@code rm -f F} — over an
 * in-memory file system, speaking the v4 channel protocol as the API server does: stdin until the client closes, then
 * the exit status. Everything else goes to the CRUD mock.
 */
final class FakePodShells extends KubernetesMixedDispatcher {
  private static final Pattern EXEC = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/exec\\?(.*)");
  private static final Pattern CAT = Pattern.compile("mkdir -p '[^']*' && cat - > '([^']+)' && echo \\$\\?");
  private static final Pattern WC = Pattern.compile("wc -c < '([^']+)'");
  private static final byte STDOUT = 1;
  private static final byte STATUS = 3;

  /** namespace/pod:container → path → content */
  private final Map<String, Map<String, byte[]>> files = new ConcurrentHashMap<>();
  private final List<String> commands = Collections.synchronizedList(new ArrayList<>());

  FakePodShells(Map<ServerRequest, Queue<ServerResponse>> responses) {
    super(responses);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher exec = EXEC.matcher(request.getPath());
    if (!exec.matches()) {
      return super.dispatch(request);
    }
    List<String> command = new ArrayList<>();
    String container = "";
    for (String parameter : exec.group(3).split("&")) {
      String[] pair = parameter.split("=", 2);
      String value = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
      if (pair[0].equals("command")) {
        command.add(value);
      } else if (pair[0].equals("container")) {
        container = value;
      }
    }
    String owner = exec.group(1) + "/" + exec.group(2) + ":" + container;
    commands.add(owner + " " + String.join(" ", command));
    Map<String, byte[]> podFiles = files.computeIfAbsent(owner, k -> new ConcurrentHashMap<>());
    return new MockResponse().withWebSocketUpgrade(new Shell(podFiles, command));
  }

  /** @return what is at {@code path} in the pod's container, if anything */
  Optional<byte[]> file(String namespace, String pod, String container, String path) {
    return Optional.ofNullable(files.getOrDefault(namespace + "/" + pod + ":" + container, Map.of()).get(path));
  }

  /** How many execs ran this command line (its words joined by spaces) in any pod. */
  long ran(String commandLine) {
    synchronized (commands) {
      return commands.stream().filter(c -> c.endsWith(" " + commandLine)).count();
    }
  }

  private static final class Shell extends WebSocketListener {
    private final Map<String, byte[]> files;
    private final List<String> command;
    private final ByteArrayOutputStream stdin = new ByteArrayOutputStream();

    Shell(Map<String, byte[]> files, List<String> command) {
      this.files = files;
      this.command = command;
    }

    @Override
    public void onOpen(WebSocket socket, Response response) {
      if (command.size() == 3 && command.get(0).equals("rm") && command.get(1).equals("-f")) {
        files.remove(command.get(2));
        exit(socket, 0);
        return;
      }
      Matcher wc = command.size() == 3 && command.get(0).equals("sh") ? WC.matcher(command.get(2)) : null;
      if (wc != null && wc.matches()) {
        byte[] file = files.get(wc.group(1));
        if (file == null) {
          exit(socket, 1);
          return;
        }
        send(socket, STDOUT, (file.length + "\n").getBytes(StandardCharsets.UTF_8));
        // fabric8 writes stdout asynchronously and stops on the exit status: give the write time to land.
        CompletableFuture.runAsync(() -> exit(socket, 0),
            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        return;
      }
      if (!isCat()) {
        exit(socket, 127);
      }
    }

    @Override
    public void onMessage(WebSocket socket, byte[] bytes) {
      if (bytes.length > 0 && bytes[0] == 0) { // stream 0: stdin
        stdin.write(bytes, 1, bytes.length - 1);
      }
    }

    /** The client closes when its input is done; that is stdin's end of file for {@code cat}. */
    @Override
    public void onClosing(WebSocket socket, int code, String reason) {
      if (isCat()) {
        Matcher cat = CAT.matcher(command.get(2));
        if (cat.matches()) {
          files.put(cat.group(1), stdin.toByteArray());
        }
        send(socket, STDOUT, "0\n".getBytes(StandardCharsets.UTF_8));
        exit(socket, 0);
      } else {
        socket.close(code, reason);
      }
    }

    private boolean isCat() {
      return command.size() == 3 && command.get(0).equals("sh") && CAT.matcher(command.get(2)).matches();
    }

    private static void send(WebSocket socket, byte stream, byte[] data) {
      byte[] frame = new byte[data.length + 1];
      frame[0] = stream;
      System.arraycopy(data, 0, frame, 1, data.length);
      socket.send(frame);
    }

    private static void exit(WebSocket socket, int code) {
      String status = code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
          : "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
              + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + code + "\"}]}}";
      send(socket, STATUS, status.getBytes(StandardCharsets.UTF_8));
      socket.close(1000, "");
    }
  }
}
