package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.DeployException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A policy attachment target, written {@code Kind/name} or {@code group/Kind/name} on the command line. */
public record TargetRef(String group, String kind, String name) {
    private static final String GATEWAY_API = "gateway.networking.k8s.io";

    public static TargetRef parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return new TargetRef(defaultGroup(parts[0]), parts[0], parts[1]);
        }
        if (parts.length == 3 && !parts[1].isEmpty() && !parts[2].isEmpty()) {
            return new TargetRef(parts[0], parts[1], parts[2]);
        }
        throw new DeployException("target reference '" + text + "' is not Kind/name or group/Kind/name");
    }

    /** Gateways and GatewayClasses come from the Gateway API; a Service is core, with the empty group. */
    private static String defaultGroup(String kind) {
        return kind.equals("Gateway") || kind.equals("GatewayClass") ? GATEWAY_API : "";
    }

    Map<String, Object> toMap() {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("group", group);
        ref.put("kind", kind);
        ref.put("name", name);
        return ref;
    }
}
