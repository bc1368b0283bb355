// The agent's test runner: every public method marked [Test] of a public
// class in this assembly, run in name order, reported as go test reports
// ("--- PASS: Class.Method (0.00s)") so one count covers both languages,
// then the closing line "agent tests: N passed, N failed".
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace TfWin.Testing
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute { }

    public sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message) { }
    }

    public static class Assert
    {
        public static void Equal(object expected, object actual, string what)
        {
            if (!object.Equals(expected, actual))
                throw new AssertionException(what + ": want " + Show(expected) + ", got " + Show(actual));
        }

        public static void True(bool condition, string what)
        {
            if (!condition) throw new AssertionException(what);
        }

        public static void Bytes(byte[] expected, byte[] actual, string what)
        {
            if (expected == null || actual == null)
            {
                if (expected != actual) throw new AssertionException(what + ": one side is null");
                return;
            }
            int n = Math.Min(expected.Length, actual.Length);
            for (int i = 0; i < n; i++)
            {
                if (expected[i] != actual[i])
                    throw new AssertionException(what + ": bytes differ at offset " + i + " (want 0x" + expected[i].ToString("x2") + ", got 0x" + actual[i].ToString("x2") + ")");
            }
            if (expected.Length != actual.Length)
                throw new AssertionException(what + ": want " + expected.Length + " bytes, got " + actual.Length);
        }

        /// <summary>Runs action and returns the code of the failure it must
        /// throw (ErrorCodes.Of), checking it is want.</summary>
        public static Exception Fails(long want, Action action, string what)
        {
            try { action(); }
            catch (AssertionException) { throw; }
            catch (Exception e)
            {
                long got = ErrorCodes.Of(e);
                if (got != want) throw new AssertionException(what + ": want code " + want + ", got " + got + " (" + e.GetType().Name + ": " + e.Message + ")");
                return e;
            }
            throw new AssertionException(what + ": want code " + want + ", got success");
        }

        private static string Show(object v)
        {
            if (v == null) return "null";
            string s = v as string;
            if (s != null) return Json.Write(s);
            return Convert.ToString(v, CultureInfo.InvariantCulture) + " (" + v.GetType().Name + ")";
        }
    }

    public static class TestMain
    {
        public static int Main(string[] args)
        {
            string filter = args.Length > 0 ? args[0] : null;
            List<MethodInfo> tests = new List<MethodInfo>();
            foreach (Type t in Assembly.GetExecutingAssembly().GetTypes())
            {
                if (!t.IsPublic) continue;
                foreach (MethodInfo m in t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
                {
                    if (m.GetCustomAttributes(typeof(TestAttribute), false).Length == 0) continue;
                    string name = t.Name + "." + m.Name;
                    if (filter != null && name.IndexOf(filter, StringComparison.Ordinal) < 0) continue;
                    tests.Add(m);
                }
            }
            tests.Sort(delegate(MethodInfo a, MethodInfo b)
            {
                return string.CompareOrdinal(a.DeclaringType.Name + "." + a.Name, b.DeclaringType.Name + "." + b.Name);
            });
            int passed = 0, failed = 0;
            foreach (MethodInfo m in tests)
            {
                string name = m.DeclaringType.Name + "." + m.Name;
                Stopwatch clock = Stopwatch.StartNew();
                string failure = null;
                try
                {
                    object target = m.IsStatic ? null : Activator.CreateInstance(m.DeclaringType);
                    m.Invoke(target, null);
                }
                catch (TargetInvocationException e)
                {
                    Exception inner = e.InnerException;
                    failure = inner is AssertionException ? inner.Message : inner.ToString();
                }
                string time = clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
                if (failure == null)
                {
                    passed++;
                    Console.WriteLine("--- PASS: " + name + " (" + time + "s)");
                }
                else
                {
                    failed++;
                    Console.WriteLine("--- FAIL: " + name + " (" + time + "s)");
                    foreach (string line in failure.Split('\n')) Console.WriteLine("    " + line.TrimEnd('\r'));
                }
            }
            Console.WriteLine("agent tests: " + passed + " passed, " + failed + " failed");
            return failed == 0 && passed > 0 ? 0 : 1;
        }
    }
}
