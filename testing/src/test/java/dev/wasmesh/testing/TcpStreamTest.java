package dev.wasmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.PeerType;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.testsupport.Wat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A network (TCP) filter through {@link TcpStream}. */
class TcpStreamTest {
    /**
     * Logs the client's address; holds downstream data until a full line and prefixes it with ">" (data starting with
     * "?" waits for the next tick, which continues it and tries to continue upstream data too); appends "!" to
     * upstream data, holds upstream data starting with "w", and closes the connection on upstream data starting with
     * "b"; logs each close with its peer type.
     */
    private static final String WAT = """
            (module
              (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
              (import "env" "proxy_get_property" (func $get_property (param i32 i32 i32 i32) (result i32)))
              (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
              (import "env" "proxy_set_buffer_bytes" (func $set_buffer (param i32 i32 i32 i32 i32) (result i32)))
              (import "env" "proxy_set_effective_context" (func $set_effective (param i32) (result i32)))
              (import "env" "proxy_continue_stream" (func $continue (param i32) (result i32)))
              (import "env" "proxy_close_stream" (func $close (param i32) (result i32)))
              (memory (export "memory") 2)
              (global $heap (mut i32) (i32.const 4096))
              (global $held (mut i32) (i32.const 0))
              (data (i32.const 32) ">!")
              (data (i32.const 48) "source\\00address")
              (data (i32.const 64) "downstream closed by 0")
              (data (i32.const 96) "upstream closed by 0")
              (data (i32.const 128) "upstream cannot be continued")
              (data (i32.const 160) "log")
              (func (export "proxy_abi_version_0_2_1"))
              (func (export "proxy_on_memory_allocate") (param $n i32) (result i32) (local $p i32)
                (local.set $p (global.get $heap))
                (global.set $heap (i32.add (global.get $heap) (local.get $n)))
                (local.get $p))
              (func (export "proxy_on_context_create") (param i32 i32))
              (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
              (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
              (func (export "proxy_on_new_connection") (param $ctx i32) (result i32)
                (if (i32.eqz (call $get_property (i32.const 48) (i32.const 14) (i32.const 256) (i32.const 260)))
                  (then (drop (call $log (i32.const 2) (i32.load (i32.const 256)) (i32.load (i32.const 260))))))
                (i32.const 0))
              (func (export "proxy_on_downstream_data") (param $ctx i32) (param $size i32) (param $eos i32)
                  (result i32) (local $data i32)
                (if (i32.eqz (local.get $size)) (then (return (i32.const 0))))
                (drop (call $get_buffer (i32.const 2) (i32.const 0) (local.get $size) (i32.const 264)
                  (i32.const 268)))
                (local.set $data (i32.load (i32.const 264)))
                (if (i32.eq (i32.load8_u (local.get $data)) (i32.const 63))
                  (then (global.set $held (local.get $ctx)) (return (i32.const 1))))
                (if (i32.and (i32.eqz (local.get $eos)) (i32.ne (i32.const 10)
                      (i32.load8_u (i32.add (local.get $data) (i32.sub (local.get $size) (i32.const 1))))))
                  (then (return (i32.const 1))))
                (drop (call $set_buffer (i32.const 2) (i32.const 0) (i32.const 0) (i32.const 32) (i32.const 1)))
                (i32.const 0))
              (func (export "proxy_on_tick") (param $root i32)
                (if (global.get $held)
                  (then
                    (drop (call $set_effective (global.get $held)))
                    (drop (call $continue (i32.const 2)))
                    (if (i32.eq (call $continue (i32.const 3)) (i32.const 12))
                      (then (drop (call $log (i32.const 2) (i32.const 128) (i32.const 28)))))
                    (global.set $held (i32.const 0)))))
              (func (export "proxy_on_upstream_data") (param $ctx i32) (param $size i32) (param $eos i32)
                  (result i32)
                (if (i32.eqz (local.get $size)) (then (return (i32.const 0))))
                (drop (call $get_buffer (i32.const 3) (i32.const 0) (local.get $size) (i32.const 264)
                  (i32.const 268)))
                (if (i32.eq (i32.load8_u (i32.load (i32.const 264))) (i32.const 98))
                  (then (drop (call $close (i32.const 3))) (return (i32.const 0))))
                (if (i32.and (i32.eqz (local.get $eos)) (i32.eq (i32.const 119)
                      (i32.load8_u (i32.load (i32.const 264)))))
                  (then (return (i32.const 1))))
                (drop (call $set_buffer (i32.const 3) (local.get $size) (i32.const 0) (i32.const 33) (i32.const 1)))
                (i32.const 0))
              (func (export "proxy_on_downstream_connection_close") (param $ctx i32) (param $peer i32)
                (i32.store8 (i32.const 85) (i32.add (i32.const 48) (local.get $peer)))
                (drop (call $log (i32.const 2) (i32.const 64) (i32.const 22))))
              (func (export "proxy_on_upstream_connection_close") (param $ctx i32) (param $peer i32)
                (i32.store8 (i32.const 115) (i32.add (i32.const 48) (local.get $peer)))
                (drop (call $log (i32.const 2) (i32.const 96) (i32.const 20))))
              (func (export "proxy_on_log") (param i32)
                (drop (call $log (i32.const 2) (i32.const 160) (i32.const 3)))))
            """;

    private static ProxyWasmHarness start() {
        return ProxyWasmHarness.load("tcp.wasm", Wat.compile(WAT)).start();
    }

    @Test
    void downstreamDataIsHeldUntilTheFilterContinuesAndForwardedAsItLeftIt() {
        try (ProxyWasmHarness h = start()) {
            TcpStream s = h.newTcpStream(new StreamInfo().source("10.0.0.9", 1234));
            assertThat(s.newConnectionAction()).isEqualTo(Action.CONTINUE);
            assertThat(h.logs().messages(LogLevel.INFO)).containsExactly("10.0.0.9:1234");

            assertThat(s.sendDownstreamData("hel", false)).isEqualTo(Action.PAUSE);
            assertThat(s.downstreamAction()).isEqualTo(Action.PAUSE);
            assertThat(s.forwardedDownstream()).isEmpty();
            assertThat(s.sendDownstreamData("lo\n", false)).isEqualTo(Action.CONTINUE);
            assertThat(s.downstreamData()).isEqualTo(">hello\n");
            assertThat(s.forwardedDownstream()).isEqualTo(">hello\n");

            // A new chunk starts afresh once the filter let the last one through.
            assertThat(s.sendDownstreamData("a\nb", false)).isEqualTo(Action.PAUSE);
            assertThat(s.sendDownstreamData("", true)).isEqualTo(Action.CONTINUE);
            assertThat(s.forwardedDownstream()).isEqualTo(">hello\n>a\nb");
            assertThat(s.downstreamAction()).isEqualTo(Action.CONTINUE);
        }
    }

    @Test
    void continueStreamReleasesHeldDownstreamDataButUpstreamCannotBeContinued() {
        try (ProxyWasmHarness h = start()) {
            TcpStream s = h.newTcpStream();
            assertThat(s.sendDownstreamData("?later", false)).isEqualTo(Action.PAUSE);
            assertThat(s.forwardedDownstream()).isEmpty();
            h.tick();
            assertThat(s.continueCalls()).containsExactly(StreamType.DOWNSTREAM);
            assertThat(s.forwardedDownstream()).isEqualTo("?later");
            assertThat(s.downstreamAction()).isEqualTo(Action.CONTINUE);
            assertThat(h.logs().messages(LogLevel.INFO)).contains("upstream cannot be continued");
        }
    }

    @Test
    void upstreamDataIsChangedHeldAndItsEndClosesTheUpstreamAsInEnvoy() {
        try (ProxyWasmHarness h = start()) {
            TcpStream s = h.newTcpStream();
            assertThat(s.sendUpstreamData("pong", false)).isEqualTo(Action.CONTINUE);
            assertThat(s.forwardedUpstream()).isEqualTo("pong!");
            assertThat(s.sendUpstreamData("wait", false)).isEqualTo(Action.PAUSE);
            assertThat(s.upstreamAction()).isEqualTo(Action.PAUSE);
            assertThat(s.sendUpstreamData("ing", true)).isEqualTo(Action.CONTINUE);
            assertThat(s.upstreamData()).isEqualTo("waiting!");
            assertThat(s.forwardedUpstream()).isEqualTo("pong!waiting!");
            assertThat(h.logs().messages(LogLevel.INFO)).containsExactly("upstream closed by 0");
            assertThat(s.closed()).isFalse();
            assertThatThrownBy(() -> s.closeUpstream(PeerType.REMOTE)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeStreamClosesTheConnectionLocallyAfterTheCallback() {
        try (ProxyWasmHarness h = start()) {
            TcpStream s = h.newTcpStream();
            assertThat(s.sendUpstreamData("bye", false)).isEqualTo(Action.CONTINUE);
            assertThat(s.closeCalls()).containsExactly(StreamType.UPSTREAM);
            // The filter continued, but the connection closed first: the data goes nowhere, as in Envoy.
            assertThat(s.forwardedUpstream()).isEmpty();
            assertThat(s.closed()).isTrue();
            assertThat(h.logs().messages(LogLevel.INFO)).containsExactly("downstream closed by 1", "log");
            assertThatThrownBy(() -> s.sendDownstreamData("more", false)).isInstanceOf(IllegalStateException.class);
            assertThat(h.vm().liveContexts()).isEqualTo(1);
        }
    }

    @Test
    void closingEndsTheContextWithThePeerThatClosed() {
        ProxyWasmHarness h = start();
        TcpStream client = h.newTcpStream();
        TcpStream open = h.newTcpStream();
        client.closeDownstream(PeerType.REMOTE);
        assertThat(client.closed()).isTrue();
        assertThat(open.closed()).isFalse();
        h.close(); // closes what is still open, from the proxy's side
        assertThat(open.closed()).isTrue();
        assertThat(h.rootDeleted()).isTrue();
        assertThat(h.logs().messages(LogLevel.INFO))
                .isEqualTo(List.of("downstream closed by 2", "log", "downstream closed by 1", "log"));
    }
}
