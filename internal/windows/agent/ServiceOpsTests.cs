using System;
using System.Collections.Generic;
using TfWin.Testing;

namespace TfWin
{
    public class ServiceOpsTests
    {
        private sealed class Fixture
        {
            public readonly HostServices Host;
            public readonly InMemoryClock Clock = new InMemoryClock();
            public readonly InMemoryServiceControl Scm;
            public readonly Agent Agent;
            public readonly DateTime Start;

            public Fixture(params InMemoryService[] services)
            {
                Host = new HostServices();
                Host.System = new InMemorySystemInfo();
                Host.Clock = Clock;
                Scm = new InMemoryServiceControl(Clock);
                Host.Services = Scm;
                foreach (InMemoryService s in services) Scm.Add(s);
                Agent = new Agent(Host);
                Start = Clock.UtcNow;
            }

            public AgentReply Run(string op, string json) { return Agent.Run(op, HostOpsTests.B64(json), ""); }

            public AgentReply Restart(string name, int timeout)
            {
                return Run("service.restart", timeout == 0 ? "{\"name\":\"" + name + "\"}" : "{\"name\":\"" + name + "\",\"timeout_seconds\":" + timeout + "}");
            }

            public InMemoryService this[string name] { get { return Scm.Service(name); } }

            public TimeSpan Elapsed { get { return Clock.UtcNow - Start; } }
        }

        private static InMemoryService Svc(string name, params string[] dependents)
        {
            InMemoryService s = new InMemoryService(name);
            s.DependentServices.AddRange(dependents);
            return s;
        }

        private static InMemoryService With(InMemoryService s, ServiceState state) { s.State = state; return s; }

        private static void Ok(AgentReply r) { Assert.True(r.Ok, "want success: " + r.Line); }

        /// <summary>Checks the reply failed with code and its message holds every part.</summary>
        private static void Failed(AgentReply r, long code, params string[] parts)
        {
            Assert.True(!r.Ok, "want failure " + code + ": " + r.Line);
            Assert.True(r.Line.Contains("\"code\":" + code + ","), "want code " + code + ": " + r.Line);
            foreach (string p in parts) Assert.True(r.Line.Contains(p), "message lacks " + Json.Write(p) + ": " + r.Line);
        }

        private static void State(Fixture f, string name, ServiceState state, int starts)
        {
            Assert.Equal(state, f[name].State, name + " state");
            Assert.Equal(starts, f[name].Starts, name + " starts");
        }

        [Test]
        public void GetReportsTheServiceExactly()
        {
            InMemoryService agent = Svc("Sage300IntegrationService", "Dep");
            agent.DisplayName = "Sage 300 Connector Agent";
            agent.ExitCode = 1066;
            agent.ServiceSpecificExitCode = 7;
            InMemoryService dep = With(Svc("Dep", "DepOfDep"), ServiceState.Stopped);
            dep.StartType = 3;
            Fixture f = new Fixture(agent, dep, Svc("DepOfDep"));
            AgentReply r = f.Run("service.get", "{\"name\":\"sage300integrationservice\"}");
            Assert.Equal("##tfwin-envelope## {\"ok\":true,\"result\":{\"name\":\"Sage300IntegrationService\",\"display_name\":\"Sage 300 Connector Agent\"," +
                "\"status\":\"Running\",\"start_type\":\"Automatic\",\"start_name\":\"LocalSystem\",\"sid_type\":\"none\",\"dependent_services\":[\"DepOfDep\",\"Dep\"],\"exit_code\":1066,\"service_specific_exit_code\":7}}",
                r.Line, "service.get");
            r = f.Run("service.get", "{\"name\":\"Dep\"}");
            Assert.True(r.Line.Contains("\"status\":\"Stopped\",\"start_type\":\"Manual\""), r.Line);
        }

        /// <summary>The logon account comes as the SCM spells it (LocalSystem,
        /// NT AUTHORITY\LocalService, .\user, a gMSA's DOMAIN\name$) and the
        /// SID type by sc.exe's names, so the provider can grant the account
        /// or NT SERVICE\name.</summary>
        [Test]
        public void GetReportsStartNameAndSidType()
        {
            InMemoryService local = Svc("LocalSvc");
            local.StartName = "NT AUTHORITY\\LocalService";
            local.SidType = 1;
            InMemoryService gmsa = Svc("GmsaSvc");
            gmsa.StartName = "CORP\\svc-sage$";
            gmsa.SidType = 3;
            Fixture f = new Fixture(local, gmsa, Svc("Plain"));
            Assert.True(f.Run("service.get", "{\"name\":\"localsvc\"}").Line.Contains("\"start_name\":\"NT AUTHORITY\\\\LocalService\",\"sid_type\":\"unrestricted\""), "LocalService, unrestricted");
            Assert.True(f.Run("service.get", "{\"name\":\"GmsaSvc\"}").Line.Contains("\"start_name\":\"CORP\\\\svc-sage$\",\"sid_type\":\"restricted\""), "gMSA, restricted");
            Assert.True(f.Run("service.get", "{\"name\":\"Plain\"}").Line.Contains("\"start_name\":\"LocalSystem\",\"sid_type\":\"none\""), "defaults");
            f.Scm.FailNext("QueryServiceSidType", "Plain", 5);
            Failed(f.Run("service.get", "{\"name\":\"Plain\"}"), 5);
            Assert.Equal("unknown", ServiceOps.SidTypeName(2), "a type Windows does not define");
        }

        [Test]
        public void GetStartTypes()
        {
            ServiceConfig c = new ServiceConfig();
            string[] want = { "Boot", "System", "Automatic", "Manual", "Disabled", "Unknown" };
            for (int i = 0; i < want.Length; i++)
            {
                c.StartType = i;
                Assert.Equal(want[i], ServiceOps.StartTypeName(c), "start type " + i);
            }
            c.StartType = 2;
            c.DelayedAutoStart = true;
            Assert.Equal("AutomaticDelayed", ServiceOps.StartTypeName(c), "delayed");
        }

        [Test]
        public void GetErrors()
        {
            Fixture f = new Fixture(Svc("Svc"));
            Failed(f.Run("service.get", "{\"name\":\"Nope\"}"), 1060, "service Nope does not exist on this host");
            Failed(f.Run("service.get", "{\"name\":\"a\\\\b\"}"), 87, "name:");
            Failed(f.Run("service.get", "{\"name\":\"  \"}"), 87, "name:");
            Failed(f.Run("service.get", "{}"), 87, "name:");
            f.Scm.FailNext("QueryServiceStatusEx", null, 5);
            Failed(f.Run("service.get", "{\"name\":\"Svc\"}"), 5);
        }

        [Test]
        public void RestartArguments()
        {
            Fixture f = new Fixture(Svc("Svc"));
            Failed(f.Run("service.restart", "{\"name\":\"Svc\",\"timeout_seconds\":0}"), 87, "timeout_seconds: must be between 1 and 86400");
            Failed(f.Run("service.restart", "{\"name\":\"Svc\",\"timeout_seconds\":86401}"), 87, "timeout_seconds");
            Failed(f.Run("service.restart", "{\"name\":\"Svc\",\"timeout_seconds\":\"9\"}"), 87, "timeout_seconds");
            Failed(f.Run("service.restart", "{\"name\":\"Other\"}"), 1060, "Other does not exist");
            Assert.Equal(0, f["Svc"].Starts, "nothing restarted");
        }

        /// <summary>The running dependents (one depending on another) are
        /// stopped first, every service before those it depends on, and
        /// started again in the reverse; a stopped one stays stopped.</summary>
        [Test]
        public void RestartStopsAndStartsTheDependents()
        {
            Fixture f = new Fixture(Svc("Svc", "DepA", "DepB"), Svc("DepA", "DepC"), With(Svc("DepB"), ServiceState.Stopped), Svc("DepC"));
            AgentReply r = f.Restart("svc", 0);
            Ok(r);
            Assert.True(r.Line.Contains("\"name\":\"Svc\"") && r.Line.Contains("\"status\":\"Running\""), r.Line);
            State(f, "Svc", ServiceState.Running, 1);
            State(f, "DepA", ServiceState.Running, 1);
            State(f, "DepB", ServiceState.Stopped, 0);
            State(f, "DepC", ServiceState.Running, 1);
            List<string> order = new List<string>();
            foreach (string c in f.Scm.Calls)
            {
                if (c.StartsWith("ControlServiceStop ") || c.StartsWith("StartService ")) order.Add(c);
            }
            Assert.Equal("ControlServiceStop DepC|ControlServiceStop DepA|ControlServiceStop Svc|StartService Svc|StartService DepA|StartService DepC",
                string.Join("|", order), "order");
        }

        [Test]
        public void RestartWaitsOutStopPending()
        {
            InMemoryService s = With(Svc("Svc"), ServiceState.StopPending);
            s.StopDelay = TimeSpan.FromSeconds(3);
            Fixture f = new Fixture(s);
            Ok(f.Restart("Svc", 0));
            State(f, "Svc", ServiceState.Running, 1);
            Assert.True(!f.Scm.Calls.Contains("ControlServiceStop Svc"), "no stop control to a service already stopping");
        }

        [Test]
        public void RestartStartsAStoppedService()
        {
            Fixture f = new Fixture(With(Svc("Svc"), ServiceState.Stopped));
            Ok(f.Restart("Svc", 0));
            State(f, "Svc", ServiceState.Running, 1);
        }

        /// <summary>Logon failure (1069) keeps its code and says what to do,
        /// naming the service's account.</summary>
        [Test]
        public void RestartReportsLogonFailureSpecially()
        {
            InMemoryService s = Svc("Svc");
            s.StartFailsWith = 1069;
            s.StartName = @".\svc-sage";
            Fixture f = new Fixture(s);
            Failed(f.Restart("Svc", 0), 1069, "service Svc failed to start: it is Stopped, exit code 1069",
                "logon failure", @"account .\\svc-sage", "password", "Log on as a service");
            State(f, "Svc", ServiceState.Stopped, 0);
        }

        [Test]
        public void RestartKeepsStartServiceCodes()
        {
            InMemoryService s = Svc("Svc");
            s.StartType = 4;
            Fixture f = new Fixture(s);
            Failed(f.Restart("Svc", 0), 1058, "service Svc failed to start: it is Stopped, exit code 1058", "disabled");
        }

        [Test]
        public void RestartTimesOutWith1053()
        {
            InMemoryService s = Svc("Svc");
            s.StartDelay = TimeSpan.FromSeconds(5);
            Fixture f = new Fixture(s);
            Failed(f.Restart("Svc", 2), 1053, "Svc did not reach Running within 2 s: it is StartPending, exit code 0", "timely fashion");
            State(f, "Svc", ServiceState.StartPending, 0);
            Assert.Equal(TimeSpan.FromSeconds(2), f.Elapsed, "the wait ends at the deadline");
        }

        /// <summary>A dependent slower to stop than the timeout: 1053 at the
        /// timeout, naming it, and the service itself left running.</summary>
        [Test]
        public void RestartDependentStopTimeout()
        {
            InMemoryService dep = Svc("DepA");
            dep.StopDelay = TimeSpan.FromSeconds(45);
            Fixture f = new Fixture(Svc("Svc", "DepA"), dep);
            Failed(f.Restart("Svc", 30), 1053, "DepA did not reach Stopped within 30 s: it is StopPending");
            State(f, "Svc", ServiceState.Running, 0);
            State(f, "DepA", ServiceState.StopPending, 0);
            Assert.Equal(TimeSpan.FromSeconds(30), f.Elapsed, "one deadline, not 30 s per dependent");
        }

        [Test]
        public void RestartHasOneDeadlineForEveryWait()
        {
            InMemoryService s = Svc("Svc", "DepA");
            s.StartDelay = TimeSpan.FromMilliseconds(1500);
            InMemoryService dep = Svc("DepA");
            dep.StopDelay = TimeSpan.FromSeconds(1);
            Fixture f = new Fixture(s, dep);
            Failed(f.Restart("Svc", 2), 1053, "Svc did not reach Running within 2 s", "StartPending");
            State(f, "Svc", ServiceState.StartPending, 0);
            State(f, "DepA", ServiceState.Stopped, 0);
        }

        [Test]
        public void RestartSlowStartWithinTheTimeout()
        {
            InMemoryService s = Svc("Svc");
            s.StartDelay = TimeSpan.FromMilliseconds(1500);
            Fixture f = new Fixture(s);
            Ok(f.Restart("Svc", 2));
            State(f, "Svc", ServiceState.Running, 1);
        }

        /// <summary>A start that falls back to Stopped fails as soon as it
        /// does, with its exit codes, not at the timeout.</summary>
        [Test]
        public void RestartFallBackFailsAtOnceWithItsExitCodes()
        {
            InMemoryService s = Svc("Svc");
            s.StartDelay = TimeSpan.FromMilliseconds(500);
            s.FallsBack = true;
            s.FallBackExitCode = 1066;
            s.FallBackServiceSpecificExitCode = 42;
            Fixture f = new Fixture(s);
            Failed(f.Restart("Svc", 600), 1066, "Svc stopped while starting (StartPending, then Stopped): exit code 1066, service-specific exit code 42",
                "service-specific error code");
            State(f, "Svc", ServiceState.Stopped, 0);
            Assert.True(f.Elapsed <= TimeSpan.FromSeconds(1), "failed after " + f.Elapsed + ", not at once");
        }

        [Test]
        public void RestartFallBackWithoutExitCodeIs1067()
        {
            InMemoryService s = Svc("Svc");
            s.FallsBack = true;
            Fixture f = new Fixture(s);
            Failed(f.Restart("Svc", 0), 1067, "stopped while starting", "exit code 0", "terminated unexpectedly");
        }

        [Test]
        public void RestartFallBackAfterTheTimeoutIs1053()
        {
            InMemoryService s = Svc("Svc");
            s.StartDelay = TimeSpan.FromSeconds(5);
            s.FallsBack = true;
            s.FallBackExitCode = 1066;
            Fixture f = new Fixture(s);
            Failed(f.Restart("Svc", 2), 1053, "did not reach Running within 2 s", "StartPending");
        }

        /// <summary>StartPending when the restart begins, then falls back: its
        /// exit codes at once, and nothing stopped.</summary>
        [Test]
        public void RestartOfAStartPendingServiceThatFallsBack()
        {
            InMemoryService s = With(Svc("Svc", "DepA"), ServiceState.StartPending);
            s.StartDelay = TimeSpan.FromMilliseconds(100);
            s.FallsBack = true;
            s.FallBackExitCode = 1069;
            Fixture f = new Fixture(s, Svc("DepA"));
            Failed(f.Restart("Svc", 0), 1069, "Svc stopped while starting", "exit code 1069");
            State(f, "Svc", ServiceState.Stopped, 0);
            State(f, "DepA", ServiceState.Running, 0);
            Assert.True(!f.Scm.Calls.Contains("ControlServiceStop DepA"), "DepA stopped");
            Assert.True(f.Elapsed <= TimeSpan.FromSeconds(1), "failed after " + f.Elapsed);
        }

        [Test]
        public void RestartOfAStartPendingServiceThatStarts()
        {
            InMemoryService s = With(Svc("Svc"), ServiceState.StartPending);
            s.StartDelay = TimeSpan.FromSeconds(1);
            Fixture f = new Fixture(s);
            Ok(f.Restart("Svc", 0));
            Assert.Equal(ServiceState.Running, f["Svc"].State, "state");
            Assert.Equal(2, f["Svc"].Starts, "the pending start, then the restart's");
        }

        [Test]
        public void RestartDependentFallsBackWhenStartedAgain()
        {
            InMemoryService dep = Svc("DepA");
            dep.FallsBack = true;
            dep.FallBackExitCode = 1066;
            dep.FallBackServiceSpecificExitCode = 7;
            Fixture f = new Fixture(Svc("Svc", "DepA"), dep);
            Failed(f.Restart("Svc", 0), 1066, "DepA stopped while starting", "service-specific exit code 7");
            State(f, "Svc", ServiceState.Running, 1);
            State(f, "DepA", ServiceState.Stopped, 0);
        }

        /// <summary>Restarting WinRM, or HTTP (WinRM depends on it), would stop
        /// the WinRM service the op runs in: refused with 87 before anything
        /// is stopped, saying what to do.</summary>
        [Test]
        public void RestartRefusesToStopWinRM()
        {
            Fixture f = new Fixture(Svc("HTTP", "WinRM", "W3SVC"), Svc("WinRM"), Svc("W3SVC"));
            Failed(f.Restart("winrm", 0), 87, "service WinRM: restarting WinRM would end the WinRM session", "Restart-Service -Force WinRM");
            Failed(f.Restart("HTTP", 0), 87, "restarting HTTP stops WinRM, which depends on it", "Restart-Service -Force HTTP", "restart Windows");
            foreach (string c in f.Scm.Calls)
            {
                Assert.True(!c.StartsWith("ControlServiceStop") && !c.StartsWith("StartService"), "a refused restart called " + c);
            }
            State(f, "WinRM", ServiceState.Running, 0);
            Ok(f.Restart("W3SVC", 0));
        }

        /// <summary>Every wait sleeps at most one poll interval and never past
        /// the deadline.</summary>
        [Test]
        public void RestartWaitsAreBounded()
        {
            InMemoryService s = Svc("Svc");
            s.StartDelay = TimeSpan.FromHours(2);
            Fixture f = new Fixture(s);
            Failed(f.Restart("Svc", 3), 1053);
            TimeSpan total = TimeSpan.Zero;
            foreach (TimeSpan d in f.Clock.Sleeps)
            {
                Assert.True(d <= ServiceOps.PollInterval && d > TimeSpan.Zero, "sleep " + d);
                total += d;
            }
            Assert.Equal(TimeSpan.FromSeconds(3), total, "slept in all");
        }

        /// <summary>A stop control that fails because the service stopped by
        /// itself meanwhile (1062) is what the restart wanted.</summary>
        [Test]
        public void RestartStopRaceIsNotAFailure()
        {
            Fixture f = new Fixture(Svc("Svc"));
            f.Scm.FailNext("ControlServiceStop", "Svc", 1062);
            f["Svc"].State = ServiceState.Running;
            // The injected failure leaves it Running: a real failure, its code kept.
            Failed(f.Restart("Svc", 0), 1062, "service Svc could not be stopped: it is Running, error 1062");
            // The service stops just as the control is sent: the restart goes on.
            Fixture g = new Fixture(Svc("Svc"));
            g.Host.Services = new StoppingScm(g.Scm, "Svc");
            Ok(new Agent(g.Host).Run("service.restart", HostOpsTests.B64("{\"name\":\"Svc\"}"), ""));
            State(g, "Svc", ServiceState.Running, 1);
        }

        /// <summary>Stops the service itself when a stop control reaches it,
        /// then fails the control with 1062, as a stop racing a crash does.</summary>
        private sealed class StoppingScm : IServiceControl
        {
            private readonly InMemoryServiceControl inner;
            private readonly string name;

            public StoppingScm(InMemoryServiceControl inner, string name) { this.inner = inner; this.name = name; }

            public string GetServiceKeyName(string n) { return inner.GetServiceKeyName(n); }
            public ServiceStatus QueryServiceStatusEx(string n) { return inner.QueryServiceStatusEx(n); }
            public ServiceConfig QueryServiceConfig(string n) { return inner.QueryServiceConfig(n); }
            public int QueryServiceSidType(string n) { return inner.QueryServiceSidType(n); }
            public string[] EnumDependentServices(string n) { return inner.EnumDependentServices(n); }
            public void StartService(string n) { inner.StartService(n); }

            public void ControlServiceStop(string n)
            {
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                {
                    inner.Service(n).State = ServiceState.Stopped;
                    throw new System.ComponentModel.Win32Exception(1062, "The service has not been started");
                }
                inner.ControlServiceStop(n);
            }
        }

        /// <summary>Every SCM call of a restart can fail; the failure keeps its
        /// code.</summary>
        [Test]
        public void RestartEveryStepCanFail()
        {
            string[] methods = { "GetServiceKeyName", "EnumDependentServices", "QueryServiceStatusEx", "ControlServiceStop", "StartService" };
            foreach (string m in methods)
            {
                Fixture f = new Fixture(Svc("Svc", "Dep"), Svc("Dep"));
                f.Scm.FailNext(m, null, 5);
                Failed(f.Restart("Svc", 0), 5);
            }
            // A dependent that cannot be started again.
            Fixture g = new Fixture(Svc("Svc", "Dep"), Svc("Dep"));
            g.Scm.FailNext("StartService", "Dep", 1058);
            Failed(g.Restart("Svc", 0), 1058, "service Dep failed to start");
            State(g, "Svc", ServiceState.Running, 1);
        }

        /// <summary>Another process starting a dependent between its stop and
        /// the service's: the SCM refuses the stop (1051), reported with that
        /// code, not as a .NET TimeoutException without one.</summary>
        [Test]
        public void RestartDependentStartedMeanwhile()
        {
            Fixture f = new Fixture(Svc("Svc", "Dep"), Svc("Dep"));
            f.Scm.FailNext("ControlServiceStop", "Svc", 1051);
            Failed(f.Restart("Svc", 0), 1051, "service Svc could not be stopped: it is Running, error 1051");
        }
    }
}
