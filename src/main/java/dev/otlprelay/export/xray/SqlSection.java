package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
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
    private static final SerializableString SQL = JsonFields.name("sql");
    private static final SerializableString URL = JsonFields.name("url");
    private static final SerializableString SANITIZED_QUERY = JsonFields.name("sanitized_query");
    private static final SerializableString DATABASE_TYPE = JsonFields.name("database_type");
    private static final SerializableString USER = JsonFields.name("user");

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
        JsonFields.startObject(g, SQL);
        if (url != null) {
            JsonFields.string(g, URL, limits.clip(url));
        }
        if (sanitizedQuery != null) {
            JsonFields.string(g, SANITIZED_QUERY, limits.clip(sanitizedQuery));
        }
        JsonFields.string(g, DATABASE_TYPE, limits.clip(databaseType));
        if (user != null) {
            JsonFields.string(g, USER, limits.clip(user));
        }
        g.writeEndObject();
    }
}
