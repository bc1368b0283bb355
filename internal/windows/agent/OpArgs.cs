// An op's arguments (PROTOCOL.md section 3): typed reads that refuse a
// wrong value with 87 and name the argument.
using System;
using System.Collections.Generic;

namespace TfWin
{
    public sealed class OpArgs
    {
        private readonly JsonObject members;

        public OpArgs(JsonObject members) { this.members = members ?? new JsonObject(); }

        public static OpArgs FromJson(string json)
        {
            object parsed = string.IsNullOrEmpty(json) ? new JsonObject() : Json.Parse(json);
            JsonObject o = parsed as JsonObject;
            if (o == null) throw new OpException(Win32.InvalidParameter, "arguments: a JSON object is required");
            return new OpArgs(o);
        }

        /// <summary>True when the argument is present, even as null.</summary>
        public bool Has(string name) { return members.Has(name); }

        /// <summary>True when the argument is absent or null.</summary>
        public bool IsNull(string name) { return members.Get(name) == null; }

        public object Raw(string name) { return members.Get(name); }

        /// <summary>A string argument, or null when absent or null.</summary>
        public string String(string name)
        {
            object v = members.Get(name);
            if (v == null) return null;
            string s = v as string;
            if (s == null) throw new OpException(Win32.InvalidParameter, name + ": a string is required");
            return s;
        }

        /// <summary>A string argument that must be present and not empty;
        /// hint says what a good value looks like.</summary>
        public string RequiredString(string name, string hint)
        {
            string s = String(name);
            if (string.IsNullOrEmpty(s)) throw new OpException(Win32.InvalidParameter, name + ": " + hint);
            return s;
        }

        public bool Bool(string name, bool fallback)
        {
            object v = members.Get(name);
            if (v == null) return fallback;
            if (!(v is bool)) throw new OpException(Win32.InvalidParameter, name + ": true or false is required");
            return (bool)v;
        }

        public long Long(string name, long fallback)
        {
            object v = members.Get(name);
            if (v == null) return fallback;
            if (v is long) return (long)v;
            if (v is double)
            {
                double d = (double)v;
                if (Math.Floor(d) == d && Math.Abs(d) < 9.2e18) return (long)d;
            }
            throw new OpException(Win32.InvalidParameter, name + ": a whole number is required");
        }

        public int Int(string name, int fallback)
        {
            long l = Long(name, fallback);
            if (l < int.MinValue || l > int.MaxValue) throw new OpException(Win32.InvalidParameter, name + ": the number is out of range");
            return (int)l;
        }

        public byte[] Base64(string name)
        {
            string s = String(name);
            if (s == null) return null;
            try { return Convert.FromBase64String(s); }
            catch (FormatException) { throw new OpException(Win32.InvalidParameter, name + ": base64 is required"); }
        }

        public List<object> List(string name)
        {
            object v = members.Get(name);
            if (v == null) return null;
            List<object> l = v as List<object>;
            if (l == null) throw new OpException(Win32.InvalidParameter, name + ": a list is required");
            return l;
        }

        public JsonObject Object(string name)
        {
            object v = members.Get(name);
            if (v == null) return null;
            JsonObject o = v as JsonObject;
            if (o == null) throw new OpException(Win32.InvalidParameter, name + ": an object is required");
            return o;
        }
    }
}
