package dev.wasmesh.proxy;

/** Envoy's Prometheus naming for the proxy's own stats. */
final class Prometheus {
    private Prometheus() {}

    static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    static void sample(StringBuilder sb, String stat, String type, long value) {
        String name;
        String labels = "";
        String[] parts = stat.split("\\.", 3);
        if (parts.length == 3 && parts[0].equals("cluster")) {
            name = "envoy_cluster_" + sanitize(parts[2]);
            labels = "{envoy_cluster_name=\"" + parts[1] + "\"}";
        } else if (parts.length == 3 && parts[0].equals("http")) {
            name = "envoy_http_" + sanitize(parts[2]);
            labels = "{envoy_http_conn_manager_prefix=\"" + parts[1] + "\"}";
        } else {
            name = "envoy_" + sanitize(stat);
        }
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        sb.append(name).append(labels).append(' ').append(value).append('\n');
    }
}
