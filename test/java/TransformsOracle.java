import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.apache.kafka.common.record.TimestampType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Differential-test oracle for single message transforms: runs Apache's own connect-transforms over cases read
 * from stdin (one JSON case per line) and prints one JSON result per line. Schemas and values use the notation
 * of JsonConverterOracle; its spec helpers are repeated below because JDK 17 runs one source file at a time.
 *
 * Case:   {"id", "class", "predicate": bool, "config": {k: v}, "validate": bool,
 *          "records": [{"topic", "partition", "keySchema", "key", "valueSchema", "value", "timestamp",
 *                       "headers": [[key, S, V]..], "offset": n?}]}   (offset present = SinkRecord)
 * Result: {"id", "validate": {name: [errors]}?, "configure": {"error"}?,
 *          "results": [ {"record": R} | {"dropped": true} | {"test": bool} | {"error": ".."} ]}
 */
public class TransformsOracle {
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            out.println(MAPPER.writeValueAsString(run(MAPPER.readTree(line))));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ObjectNode run(JsonNode c) {
        ObjectNode result = F.objectNode();
        result.put("id", c.get("id").asText());
        Map<String, String> config = new LinkedHashMap<>();
        if (c.has("config")) c.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        boolean isPredicate = c.path("predicate").asBoolean(false);
        Object plugin;
        try {
            plugin = Class.forName(c.get("class").asText()).getDeclaredConstructor().newInstance();
        } catch (Exception e) {
            result.set("configure", error(e));
            return result;
        }
        if (c.path("validate").asBoolean(false)) {
            ObjectNode v = result.putObject("validate");
            org.apache.kafka.common.config.ConfigDef def = isPredicate ? ((Predicate) plugin).config() : ((Transformation) plugin).config();
            for (ConfigValue cv : def.validate(config)) {
                if (!cv.errorMessages().isEmpty()) {
                    ArrayNode errs = v.putArray(cv.name());
                    cv.errorMessages().forEach(errs::add);
                }
            }
        }
        try {
            if (isPredicate) ((Predicate) plugin).configure(config);
            else ((Transformation) plugin).configure(config);
        } catch (Exception e) {
            result.set("configure", error(e));
            return result;
        }
        ArrayNode results = result.putArray("results");
        for (JsonNode r : c.path("records")) {
            try {
                ConnectRecord record = record(r);
                if (isPredicate) {
                    results.add(F.objectNode().put("test", ((Predicate) plugin).test(record)));
                } else {
                    ConnectRecord out = ((Transformation) plugin).apply(record);
                    if (out == null) results.add(F.objectNode().put("dropped", true));
                    else results.add(F.objectNode().set("record", describe(out)));
                }
            } catch (Exception e) {
                results.add(error(e));
            }
        }
        return result;
    }

    private static ConnectRecord<?> record(JsonNode r) {
        Schema keySchema = schema(r.get("keySchema"));
        Schema valueSchema = schema(r.get("valueSchema"));
        Object key = value(keySchema, r.get("key"));
        Object value = value(valueSchema, r.get("value"));
        Integer partition = r.path("partition").isNull() || !r.has("partition") ? null : r.get("partition").asInt();
        Long timestamp = r.path("timestamp").isNull() || !r.has("timestamp") ? null : r.get("timestamp").asLong();
        ConnectHeaders headers = new ConnectHeaders();
        for (JsonNode h : r.path("headers")) {
            Schema hs = schema(h.get(1));
            headers.add(h.get(0).asText(), value(hs, h.get(2)), hs);
        }
        String topic = r.get("topic").asText();
        if (r.has("offset")) {
            return new SinkRecord(topic, partition == null ? 0 : partition, keySchema, key, valueSchema, value,
                r.get("offset").asLong(), timestamp, TimestampType.CREATE_TIME, headers);
        }
        return new SourceRecord(null, null, topic, partition, keySchema, key, valueSchema, value, timestamp, headers);
    }

    private static ObjectNode describe(ConnectRecord<?> r) {
        ObjectNode o = F.objectNode();
        o.put("topic", r.topic());
        if (r.kafkaPartition() == null) o.putNull("partition"); else o.put("partition", r.kafkaPartition());
        o.set("keySchema", describe(r.keySchema()));
        o.set("key", describe(r.key()));
        o.set("valueSchema", describe(r.valueSchema()));
        o.set("value", describe(r.value()));
        if (r.timestamp() == null) o.putNull("timestamp"); else o.put("timestamp", r.timestamp().toString());
        ArrayNode headers = o.putArray("headers");
        for (Header h : r.headers()) {
            headers.add(F.arrayNode().add(h.key()).add(describe(h.schema()))
                .add(describe(h.value())));
        }
        return o;
    }

    private static ObjectNode error(Exception e) {
        ObjectNode r = F.objectNode();
        r.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        return r;
    }

    // ---- spec -> Connect ----

    static Schema schema(JsonNode s) {
        if (s == null || s.isNull()) return null;
        String type = s.get("type").asText();
        SchemaBuilder b;
        switch (type) {
            case "array": b = SchemaBuilder.array(schema(s.get("items"))); break;
            case "map": b = SchemaBuilder.map(schema(s.get("keys")), schema(s.get("values"))); break;
            case "struct":
                b = SchemaBuilder.struct();
                for (JsonNode f : s.get("fields")) b.field(f.get(0).asText(), schema(f.get(1)));
                break;
            default: b = SchemaBuilder.type(Schema.Type.valueOf(type.toUpperCase()));
        }
        if (s.path("optional").asBoolean(false)) b.optional();
        if (s.has("name")) b.name(s.get("name").asText());
        if (s.has("version")) b.version(s.get("version").asInt());
        if (s.has("doc")) b.doc(s.get("doc").asText());
        if (s.has("params")) s.get("params").properties().forEach(e -> b.parameter(e.getKey(), e.getValue().asText()));
        if (s.has("default")) {
            Schema withoutDefault = b.build();
            b.defaultValue(value(withoutDefault, s.get("default")));
        }
        return b.build();
    }

    static Object value(Schema schema, JsonNode v) {
        if (v == null || v.isNull()) return null;
        String t = v.get("t").asText();
        JsonNode x = v.get("v");
        switch (t) {
            case "int8": return (byte) x.asInt();
            case "int16": return (short) x.asInt();
            case "int32": return x.asInt();
            case "int64": return Long.parseLong(x.asText());
            case "float32": return Float.parseFloat(x.asText());
            case "float64": return Double.parseDouble(x.asText());
            case "boolean": return x.asBoolean();
            case "string": return x.asText();
            case "bytes": return Base64.getDecoder().decode(x.asText());
            case "decimal": return new BigDecimal(x.asText());
            case "date": return new java.util.Date(Long.parseLong(x.asText()));
            case "array": {
                List<Object> list = new ArrayList<>();
                for (JsonNode e : x) list.add(value(schema == null ? null : schema.valueSchema(), e));
                return list;
            }
            case "map": {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (JsonNode e : x) map.put(value(schema == null ? null : schema.keySchema(), e.get(0)),
                    value(schema == null ? null : schema.valueSchema(), e.get(1)));
                return map;
            }
            case "struct": {
                Struct st = new Struct(schema);
                for (Map.Entry<String, JsonNode> e : x.properties()) {
                    st.put(e.getKey(), value(schema.field(e.getKey()).schema(), e.getValue()));
                }
                return st;
            }
            default: throw new IllegalArgumentException("unknown value type " + t);
        }
    }

    // ---- Connect -> spec ----

    static JsonNode describe(Schema s) {
        if (s == null) return F.nullNode();
        ObjectNode o = F.objectNode();
        o.put("type", s.type().getName());
        switch (s.type()) {
            case ARRAY: o.set("items", describe(s.valueSchema())); break;
            case MAP: o.set("keys", describe(s.keySchema())); o.set("values", describe(s.valueSchema())); break;
            case STRUCT: {
                ArrayNode fields = o.putArray("fields");
                for (Field f : s.fields()) fields.add(F.arrayNode().add(f.name()).add(describe(f.schema())));
                break;
            }
            default: break;
        }
        o.put("optional", s.isOptional());
        if (s.name() != null) o.put("name", s.name());
        if (s.version() != null) o.put("version", s.version());
        if (s.doc() != null) o.put("doc", s.doc());
        if (s.parameters() != null) {
            ObjectNode p = o.putObject("params");
            s.parameters().forEach(p::put);
        }
        if (s.defaultValue() != null) o.set("default", describe(s.defaultValue()));
        return o;
    }

    static JsonNode describe(Object v) {
        if (v == null) return F.nullNode();
        ObjectNode o = F.objectNode();
        if (v instanceof Byte b) { o.put("t", "int8"); o.put("v", b.intValue()); }
        else if (v instanceof Short s) { o.put("t", "int16"); o.put("v", s.intValue()); }
        else if (v instanceof Integer i) { o.put("t", "int32"); o.put("v", i); }
        else if (v instanceof Long l) { o.put("t", "int64"); o.put("v", l.toString()); }
        else if (v instanceof Float f) { o.put("t", "float32"); o.put("v", f.toString()); }
        else if (v instanceof Double d) { o.put("t", "float64"); o.put("v", d.toString()); }
        else if (v instanceof Boolean b) { o.put("t", "boolean"); o.put("v", b); }
        else if (v instanceof String s) { o.put("t", "string"); o.put("v", s); }
        else if (v instanceof byte[] b) { o.put("t", "bytes"); o.put("v", Base64.getEncoder().encodeToString(b)); }
        else if (v instanceof ByteBuffer b) { o.put("t", "bytes"); o.put("v", Base64.getEncoder().encodeToString(b.array())); }
        else if (v instanceof BigDecimal d) { o.put("t", "decimal"); o.put("v", d.unscaledValue().toString() + "e-" + d.scale()); }
        else if (v instanceof java.util.Date d) { o.put("t", "date"); o.put("v", Long.toString(d.getTime())); }
        else if (v instanceof List<?> l) {
            o.put("t", "array");
            ArrayNode a = o.putArray("v");
            for (Object e : l) a.add(describe(e));
        } else if (v instanceof Map<?, ?> m) {
            o.put("t", "map");
            ArrayNode a = o.putArray("v");
            m.forEach((k, val) -> a.add(F.arrayNode().add(describe(k)).add(describe(val))));
        } else if (v instanceof Struct st) {
            o.put("t", "struct");
            o.set("schema", describe(st.schema()));
            ObjectNode fields = o.putObject("v");
            for (Field f : st.schema().fields()) fields.set(f.name(), describe(st.getWithoutDefault(f.name())));
        } else {
            o.put("t", "unknown:" + v.getClass().getName());
        }
        return o;
    }
}
