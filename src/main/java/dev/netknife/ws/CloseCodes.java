package dev.netknife.ws;

/** RFC 6455 7.4 status codes nk sends, and which received codes are legal on the wire. */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Reported, never sent: the close frame carried no code. */
    public static final int NO_STATUS = 1005;
    /** Reported, never sent: the connection ended without a close frame. */
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {
    }

    /** May this code appear in a close frame? (1004-1006, 1015 and unassigned ranges may not.) */
    public static boolean validOnTheWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * True for the codes that say the closing end found something wrong (1002-1003, 1007-1011, 1014), as
     * opposed to an ordinary end (1000, 1001), a restart (1012-1013) or an application's own code.
     */
    public static boolean reportsError(int code) {
        return code == PROTOCOL_ERROR || code == UNSUPPORTED_DATA || (code >= INVALID_PAYLOAD && code <= INTERNAL_ERROR) || code == 1014;
    }

    /** A short name for the codes RFC 6455 defines, for messages. */
    public static String describe(int code) {
        String name = switch (code) {
            case NORMAL -> "normal closure";
            case GOING_AWAY -> "going away";
            case PROTOCOL_ERROR -> "protocol error";
            case UNSUPPORTED_DATA -> "unsupported data";
            case NO_STATUS -> "no status code";
            case ABNORMAL -> "closed without a close frame";
            case INVALID_PAYLOAD -> "invalid payload data";
            case POLICY_VIOLATION -> "policy violation";
            case MESSAGE_TOO_BIG -> "message too big";
            case 1010 -> "mandatory extension";
            case INTERNAL_ERROR -> "internal error";
            default -> null;
        };
        return name == null ? String.valueOf(code) : code + " " + name;
    }
}
