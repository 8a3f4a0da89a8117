package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code sql} block, for database spans ({@code db.system} or {@code db.system.name} present) of stores that
 * speak SQL. Key-value and document stores (DynamoDB, Redis, MongoDB, …) keep their attributes in metadata: an
 * {@code sql} block would misdescribe them.
 */
record SqlSection(String url, String sanitizedQuery, String databaseType, String user) {
    private static final Set<String> NOT_SQL = Set.of("dynamodb", "aws.dynamodb", "redis", "mongodb", "memcached",
            "cassandra", "elasticsearch", "opensearch", "couchdb", "couchbase", "cosmosdb", "azure.cosmosdb",
            "hbase", "neo4j", "geode", "coherence", "aerospike", "influxdb");
    /** Credentials a connection string may still carry despite the semantic conventions' advice. */
    private static final Pattern PASSWORD = Pattern.compile("(?i)((?:password|pwd)=)[^;&]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*):[^/@]*@");

    /** The section, or null when the span is not a call to an SQL database. */
    static SqlSection of(Attributes a) {
        String system = a.string("db.system.name", "db.system");
        if (system == null || NOT_SQL.contains(system)) {
            return null;
        }
        String url = a.string("db.connection_string");
        if (url != null) {
            url = USER_INFO.matcher(PASSWORD.matcher(url).replaceAll("$1****")).replaceAll("$1@");
        } else {
            String host = a.string("server.address", "net.peer.name");
            if (host != null) {
                Long port = a.integer("server.port", "net.peer.port");
                String db = a.string("db.namespace", "db.name");
                url = host + (port == null ? "" : ":" + port) + (db == null ? "" : "/" + db);
            }
        }
        return new SqlSection(url, a.string("db.query.text", "db.statement"), system, a.string("db.user"));
    }

    void write(JsonGenerator g, Limits limits) throws IOException {
        g.writeObjectFieldStart("sql");
        if (url != null) {
            g.writeStringField("url", limits.clip(url));
        }
        if (sanitizedQuery != null) {
            g.writeStringField("sanitized_query", limits.clip(sanitizedQuery));
        }
        g.writeStringField("database_type", limits.clip(databaseType));
        if (user != null) {
            g.writeStringField("user", limits.clip(user));
        }
        g.writeEndObject();
    }
}
