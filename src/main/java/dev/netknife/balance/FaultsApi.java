package dev.netknife.balance;

import dev.netknife.http.PageResponder.Page;
import dev.netknife.http.PageResponder.Request;
import dev.netknife.term.JsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The faults API on balance's --stats port, in the spirit of Toxiproxy's: {@code GET /faults} lists the
 * faults in force, {@code POST /faults} adds some (a JSON object, a JSON array of them, or --fault specs
 * one per line), {@code DELETE /faults} removes them all and {@code DELETE /faults/NAME} one.
 */
public final class FaultsApi {
    private static final String JSON = "application/json";

    private FaultsApi() {
    }

    /** The answer to {@code request}, whose path is /faults or under it. */
    public static Page handle(Faults faults, Request request) {
        String rest = request.path().substring("/faults".length());
        String name = rest.startsWith("/") && rest.length() > 1 ? rest.substring(1) : null;
        if (!rest.isEmpty() && name == null && !rest.equals("/")) {
            return null;
        }
        return switch (request.method()) {
            case "GET", "HEAD" -> name == null ? new Page(JSON, list(faults.active()) + "\n") : one(faults, name);
            case "POST" -> name != null ? Page.error(405, "POST to /faults") : add(faults, request.body());
            case "DELETE" -> {
                if (name == null) {
                    faults.clear();
                    yield new Page(204, JSON, "");
                }
                yield faults.remove(name) ? new Page(204, JSON, "") : Page.error(404, "no fault named " + name);
            }
            default -> Page.error(405, "GET, POST or DELETE");
        };
    }

    private static Page one(Faults faults, String name) {
        for (Fault f : faults.active()) {
            if (f.name().equals(name)) {
                return new Page(JSON, f.json() + "\n");
            }
        }
        return Page.error(404, "no fault named " + name);
    }

    private static Page add(Faults faults, String body) {
        List<Fault> added = new ArrayList<>();
        try {
            String text = body.strip();
            if (text.isEmpty()) {
                return Page.error(400, "no fault in the body: a JSON object such as {\"latency\":\"200ms\",\"direction\":\"downstream\"},"
                        + " an array of them, or --fault specs one per line");
            }
            if (text.startsWith("{") || text.startsWith("[")) {
                Object json = JsonReader.parse(text);
                for (Object item : json instanceof List<?> list ? list : List.of(json)) {
                    if (!(item instanceof Map<?, ?> map)) {
                        return Page.error(400, "each fault is a JSON object");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> object = (Map<String, Object>) map;
                    added.add(Fault.fromJson(object, faults::nextName));
                }
            } else {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        added.add(Fault.parse(line, faults::nextName));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return Page.error(400, e.getMessage());
        }
        faults.add(added);
        return new Page(201, JSON, list(added) + "\n");
    }

    private static String list(List<Fault> faults) {
        return "[" + String.join(",", faults.stream().map(f -> f.json().toString()).toList()) + "]";
    }
}
