import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Differential-test oracle: runs Apache's own converters (connect-json / connect-api) over a corpus read from
 * stdin, one JSON case per line, and prints one JSON result per line.
 *
 * Case: {"id", "converter": "json"|"simple-header"|<class name>, "header": bool, "config": {..}, "isKey": bool,
 *        "write": {"schema": S, "value": V}?, "read": "<base64 bytes>"?}
 * First output line: {"id": "__jvm", "feature": <JDK feature version>}.
 * Result: {"id", "write": {"bytes": base64|null} | {"error": ".."}, "readBack": R?, "read": R?}
 *         where R = {"schema": S, "value": V} | {"error": ".."}.
 * S (schema spec) = null | {"type", "optional", "name", "version", "doc", "params", "default": V,
 *                            "items": S, "keys": S, "values": S, "fields": [[name, S], ..]}
 * V (value spec)  = null | {"t": type, "v": ..}: int8/16/32 numbers, int64/float32/float64/decimal as strings,
 *                   bytes base64, array [V..], map [[V, V]..], struct {field: V}, date epoch ms.
 */
public class JsonConverterOracle {
    // Non-ASCII escaped in our output so that lone surrogates survive the trip to the test.
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // The JDK matters: Double/Float.toString print the shortest digits only since JDK 19.
        out.println("{\"id\":\"__jvm\",\"feature\":" + Runtime.version().feature() + "}");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            JsonNode c = MAPPER.readTree(line);
            out.println(MAPPER.writeValueAsString(run(c)));
        }
    }

    private static ObjectNode run(JsonNode c) {
        ObjectNode result = F.objectNode();
        result.put("id", c.get("id").asText());
        String kind = c.has("converter") ? c.get("converter").asText() : "json";
        Map<String, Object> config = new LinkedHashMap<>();
        if (c.has("config")) c.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        boolean isKey = c.has("isKey") && c.get("isKey").asBoolean();
        boolean header = kind.equals("simple-header") || c.path("header").asBoolean(false);
        Object converter;
        try {
            converter = switch (kind) {
                case "json" -> new JsonConverter();
                case "simple-header" -> new SimpleHeaderConverter();
                default -> Class.forName(kind).getDeclaredConstructor().newInstance();
            };
            if (header) ((HeaderConverter) converter).configure(config);
            else ((Converter) converter).configure(config, isKey);
        } catch (Exception e) {
            result.set("configure", error(e));
            return result;
        }
        if (c.has("write")) {
            byte[] bytes = null;
            try {
                Schema schema = schema(c.get("write").get("schema"));
                Object value = value(schema, c.get("write").get("value"));
                bytes = header ? ((HeaderConverter) converter).fromConnectHeader("topic", "h", schema, value)
                    : ((Converter) converter).fromConnectData("topic", schema, value);
                ObjectNode w = F.objectNode();
                w.put("bytes", bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
                result.set("write", w);
            } catch (Exception e) {
                result.set("write", error(e));
            }
            if (bytes != null) result.set("readBack", read(converter, header, bytes));
        }
        if (c.has("read")) {
            JsonNode r = c.get("read");
            result.set("read", read(converter, header, r.isNull() ? null : Base64.getDecoder().decode(r.asText())));
        }
        return result;
    }

    private static ObjectNode read(Object converter, boolean header, byte[] bytes) {
        try {
            SchemaAndValue sv = header ? ((HeaderConverter) converter).toConnectHeader("topic", "h", bytes)
                : ((Converter) converter).toConnectData("topic", bytes);
            ObjectNode r = F.objectNode();
            // Values.parseString answers a null SchemaAndValue for the text "null".
            r.set("schema", sv == null ? F.nullNode() : describe(sv.schema()));
            r.set("value", sv == null ? F.nullNode() : describe(sv.value()));
            return r;
        } catch (Exception e) {
            return error(e);
        }
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
