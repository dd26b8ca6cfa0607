package dev.wasmesh.host;

import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamControl;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link StreamControl} and {@link NetworkControl} that remembers what the filter asked for, as "continue
 * HTTP_REQUEST" etc.
 */
final class RecordingControl implements StreamControl, NetworkControl {
    final List<String> actions = new CopyOnWriteArrayList<>();
    final List<LocalResponse> localResponses = new CopyOnWriteArrayList<>();

    @Override
    public void continueStream(StreamType type) {
        actions.add("continue " + type);
    }

    @Override
    public void closeStream(StreamType type) {
        actions.add("close " + type);
    }

    @Override
    public void sendLocalResponse(LocalResponse response) {
        actions.add("local " + response.statusCode());
        localResponses.add(response);
    }
}
