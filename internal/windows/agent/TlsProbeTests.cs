using System;
using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using TfWin.Testing;

namespace TfWin
{
    public class TlsProbeTests
    {
        // Test material made for these tests (RSA 2048, PFX password
        // "test"): "CN=Agent Test Root" valid to 2099, the leaf
        // "CN=sage300.example.local" it issued, valid to 2098-06-30 12:00 UTC,
        // and "CN=expired.example.local", expired 2024-06-30.
        private const string RootDer =
            "MIIC8zCCAdugAwIBAgIBATANBgkqhkiG9w0BAQsFADAaMRgwFgYDVQQDEw9BZ2VudCBUZXN0IFJvb3QwIBcNMjQwMTAxMDAwMDAw" +
            "WhgPMjA5OTEyMzEyMzU5NTlaMBoxGDAWBgNVBAMTD0FnZW50IFRlc3QgUm9vdDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoC" +
            "ggEBAMvMBwGIXzJecEU7dXCaeQLM2ms8/E/Ukrw9Cqnm2LpC7U5emQv93u/cosQ9Gh6SPkKo6/IPTx9TdzSgqydkrPiO37HyUaf2" +
            "shPUzhKPfEdGN5BzvvCl2QzGz4AFFTl41nQ0tOPrDVNMUusDwuvkS4xIDvVvuE7w5e6fI98GzoVWwiLAx7yahmigUNDWw/Hh9CxD" +
            "Gl0KpTLz1jV8A7VGf+7fgXwYcojb3/F5r1LDXz8jfj5dQM+0fjkRciQRV9bXpepmGV2ogVqvau+Ve//FFZoHCGPaO19k0PVCYlAk" +
            "qPqEIRTVh1lCiviuVbeDUOKcscr81EvZwmw1rJoj8njHY4sCAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgGmMA8GA1UdEwEB/wQFMAMB" +
            "Af8wHQYDVR0OBBYEFP+hm4EPrxdC1JwE8pkcr7XpX0eOMA0GCSqGSIb3DQEBCwUAA4IBAQBs0wrIXabKRUxNpHDXOakHseVrYhQc" +
            "QncH63GsNDClgpQ+aUmHRe/dg0N730dfSmnJsOLQPPacba4VzI+taTYE9e2egAHxQbXq20AynTefyx36toiYqHGVBaoDtYci0BD4" +
            "MspCK2dn8zRmmLWQQajO2YlrybnvPDS/O3VbPlrVeOGQlaP+vgKgjjH1pFpI5mvRpG1YvRuwqdUpEu3H59Nw/+HUIWHOzisggUVt" +
            "EpOH0Ek4PP5Ta/B23M4fSTol4XpwY1moO8Sw2JvyKq5BPrD1xPGJjYsdVjmZrtOVEKMiMAfDlEtiIklkDj23nKd38PQGbupQEA6a" +
            "JHdU3/QQN3rX";

        private const string LeafPfx =
            "MIIJawIBAzCCCTcGCSqGSIb3DQEHAaCCCSgEggkkMIIJIDCCA9cGCSqGSIb3DQEHBqCCA8gwggPEAgEAMIIDvQYJKoZIhvcNAQcB" +
            "MBwGCiqGSIb3DQEMAQMwDgQIUMe5E4JoqNkCAggAgIIDkIhDXjFfP2MqKqOYJ7l3fT1W3eE5GaI4wjrJTa+sPU25jwjrPMvD17M5" +
            "ujsU/sIqG7eoAxIeOkQIkXu/1/sGEM+7vRAa0rTRpVqBnL8jCt2LT1Pc2cLyYyxrrN/+jFM6/7fDIqC5u1Gk1PuO5N0CCFJzy3JJ" +
            "aogSqfzDAp2by+5eQdMU/McVzaXXwPQOO+8lgjFDYzUESNexnDKjf2wyXJO0HERgeU1MlfziXisj9gTLmMEsWql0B+P3AkcQWHnb" +
            "HuGGa5pIp1De8nQXAXXE5FyG4pk7s05PGFbZB8XmJ/Su/MwWJ85gYNqrf+L16L3TstE9bXxg15bw4dUfGWnzP4whWKx5qYZijEbz" +
            "VLdwpa3DnYfE+xFksXJ6DA6zsmUC/PBFTxbiw2BvXEAfqUyC3MEEGNhM/7U4YL8AWLi2i1l1iXPx6JrIKMJ79jmtbVZZsiFqx7OZ" +
            "o8jJvdBgZU46SbHGk0+uQmrTG+v+IkNBwB5AS8wJz1hSbKkNt10DvrZp/xh1pJbdKU1ZUXY8zhn84asdKSB29yroNA0AqrzDKrSE" +
            "/Gv3ydwj2VM/eqxAWBHoGJwSGguP8L8VoJ0Looec9twlddCkcZDOXgwqY6bDnL1ywMnx+bRWedJ5T6N1AreZ1dbjc83+590cjCmN" +
            "Q09/OUNJN5xhhzrVlnUxp3Mnb9yH7b/AawHbIpRqjoiGTmds8FOvnR6DWB+LwgCZDMSgzxax9HK/z6ExSqjHY4Ah2S7HjK2wrN+0" +
            "oM0fCfj52r/9B4BjU1SxOKeZx09duTZED9osShwayoz/eEAeitOPmSnTDN1R965qRS27e1TFj6UmHDdX+eUsMkCyAiYh82QiJNr9" +
            "8c5xoUp4xHBGT73GjSpjcKw61I6Fvgf1NJ+qq/3ZbF0gPMqz9kvYABa8wTf7NAHbOxa0IEe5g90b9W27sXNDEf76vRG64y/ZVnOA" +
            "nps+dqsNIM+2JNE4UmUpEH/VG9nHU9fC5wjEZGpH8rvlKRlAuFyRYl4kUwiK7glWbbaQuN9ctndNUBINfjY8KyNn7CjfH7LjR8e8" +
            "s/NnPWyj0As+uela47D9axPA09r51IJsfGNZTT+BL1+/1iXRYqVMdvgh1VTj7ZyFKGHBbElNjUTnXLzEk/OHxPl64N8ExiBr9vS0" +
            "fZcVkVOcHM9yksYTnEl6z7jg903uC9nPhhQ6YyfsjxTdNauddqtDXwR+0O8u9DCCBUEGCSqGSIb3DQEHAaCCBTIEggUuMIIFKjCC" +
            "BSYGCyqGSIb3DQEMCgECoIIE7jCCBOowHAYKKoZIhvcNAQwBAzAOBAiMzQt05DGaNQICCAAEggTIOD2T3YBELwL7XcoDJEhfMJis" +
            "5CdicWP4aQz+ojI66klkSyLTB5LTQVb5AHxI90+VPA7OSF1fe+kD8EAcqsJOJyxGdkN0vgPa4bil0G6XMK63l1SgB/SsvDLlAp6N" +
            "sVOJWJKhPelox0UttNWfdaZQEcqibeeLEh/6smCEh7l9eqbT+49Xhm5vBiTuYtNGMRYWTlNcAqK0xpb1gqyIvA7txeQtQplt9YUc" +
            "XeebwQ3Unkzeq8Vh5APH4m1h8X4lyT3xSwIc6pDy+fPPoLB1+txMs2R2t8L9YhT6tP/LcsUaKgJw7IqBRJTEbCPB/UhSFSVfxQ6j" +
            "azR1ErgogxiEi3rC4sma94dRUWxFVJHWs/QnpyUlRJajiHf16KqMSAqsQVIMy5dOTf7MayDz+3Qx2bKjeqJS6xNcDNBKSlsXzQ/b" +
            "kqW1xeELrd9+0s5IQ9ECrJseeZQdSHw3Zgo8COmHxty2+MAa6fGawZN/3TnHhzQDaVcpTJr7uW2CeG7ZtveL5jXdpOEZtDYh0CAw" +
            "dDm+9DyMjo4M7hhhcPjfcwHkM7+0a0/naj4Nx8WPHG5aX7vzufwpXkP8NGoJ9IsQxaRIVietbTeRMt2m3Ud1BCYd5jktZoOW4q81" +
            "g/aYf6hmnEtX9bxdoucgyRbnNwDiAlxYWN3T3xojmw6DgccAAFvXXwBsekP4dLHB3A2SFPrVMPbv7Y0Y2btqXgSIPa5YB8vlNp89" +
            "meUcWuhtoIw+W4NfNOvA7P3GeapKXi79xxT7wsdn36lC1PfvrSgOYeOegvRjJTMBsL6Cm7/JrrXl1xO55SpjugAuqrjHTWZTumHg" +
            "jhOENr1xU8EvlfpI7CrclqX09zuTnTEYC+UIowZwU1FnGEMh46Eadv5eNn7fkdPZtcoBr2Pj8TvGZPiYu5rqSk2d/eRIbxT95Jl7" +
            "71XbSpsP59PlzqZm+B9ng9QlqzfyNr/7A6Cf8SMSkBAkU4tUGN17K/EgChUg9jn1Z7/n+xQ19QwmotcdaXqDMvDIHSQTiuuoZts8" +
            "1vUxF4uwW0B9edSwlCfAb8fbDDomWN362sxbamvBF6JtJ7oZBI86lk8fEqRka+URtE6nkTA4Dsu0Z21ZZszRJ6BYFOg2X1LrgO0P" +
            "isf01oXPpDD0fayjPUGwv3uAjtFAhhluffrzVcwFDni89glLWP6lyzVhlNlkvZG+IV6OT5OVDrQNh+HsIZAzrcvdPBt+NqaQ8T9t" +
            "ubD7bbiXrnmA+RBCqP0BmdYDlStWrVYmJ3MZ8alPJyMPoemydmz1noDkryVEqLrNWuMUp9tXOHFsHUDcPAetwD4hvAl2pMJ44RFJ" +
            "owwL8BdYLYHjD+XKOEHr1OgCCcjUBxxJ5Mwwo0hkKEv6x/90gdA0bR3RbvoZnmLzO+NPaZRe5byR65c7XtcJ7Fs00Pqa61I/x9+x" +
            "IsXUqKq9ztSBnEwmTGpAypYnOUL7PiKeVoV1gGqjlf+BEEDAqmXMSDcow47ncTbVh/fKJaq8+k6477lkCtAry/FEUjtZBHjqAcbh" +
            "VDZOsonJexwtQjI1/6/Mc6RHSFaDTedIkRiGTt83opiE3yA7ey0Op9byTtcv87IWJvfwopzwE2KbNlXA/bPSe95PvtaPYw4yXAV1" +
            "FUrgRNCrMSUwIwYJKoZIhvcNAQkVMRYEFBP8X/xEKhWXURNCnLxETbCAHj9mMCswHzAHBgUrDgMCGgQU2iQfOdAN1F2Sx0Hc1uaW" +
            "2YEJqdAECDk68FrfUmHj";

        private const string ExpiredPfx =
            "MIIJawIBAzCCCTcGCSqGSIb3DQEHAaCCCSgEggkkMIIJIDCCA9cGCSqGSIb3DQEHBqCCA8gwggPEAgEAMIIDvQYJKoZIhvcNAQcB" +
            "MBwGCiqGSIb3DQEMAQMwDgQI2AqhpWozev0CAggAgIIDkIjkSy5nXY52IZBbZqucRRcgxu4JOKLdVBlfixbYI+WUveWYKa6aksHA" +
            "afylAtOo/IrPkPHdAfymT3/foMy5ac+PwzBktwUEcQ8tM8GslaJKXC3eiyNvetwC3pfcirzzkYJulkzN1Y1vdisFjxufkrWfUt5j" +
            "/kLT/u0C8k9LuJDM8bnd3iLQ9UgXdGKAceI9O0tofR0CenUrxQEFqYb9O/e6FUXuPGVYiXcf3cfnrkay4VCyYdzZgcuhMFF2kbAz" +
            "uFjwBKB0UByrAz2HR4UzgFAJ9VMqJa8lhvsvBSQNPX4inzjMe0nNc9B6wh6rr9hL3VOB9Xr/H7EJlO8vdSnQqt6xugbY5oyr9QO/" +
            "uylTGxTQED3vdeT23smIep+IpCNckwqB+FuwTu+bQYSs4blDcL7uZVCOKe4g/oWAJ2gKB1HLkvssGzLU+fE9pVPGvY3pIlfanA36" +
            "/9Y/GPtkGYa8mwJUVaCTRquLGsinVohAlFqZ5F6bCrwqwoX5GDmMtRKVsGWJwLoMzMkTKS0nOa8bmJzABuPiLnXi4mL5hd2gnmkU" +
            "sh55sbg2+5ECV+TOQNSBfpVO/WEQZYU31DWmrxnVH0VVGmXrJyl42bj7A8Nn7KEBedIBqruMzPSQoHQpIMPe7Hrts0bCNOxPLS2R" +
            "7Aj0vZSrm1/JgtmMi5nn1+HllH1L79cgK7RY5d8tnhrePcipNLJhtbphLaJjllkbcnEe5wUMCB8YPUW3xrJ0dC3UWynAVbYsnAzO" +
            "K9or1bs5j7ykh/wHk+Ma0XWhZQQWJzbQqRlAUZ+uYGjvzIvYO7EAHRK6gtlENUAlhR7z/yzs25NEsX2pyI4h3WXFEZuY/szp+/c6" +
            "glF25VG84kjScgpfH1VB9UnqrcXHfQS8sZorRyTzw7ywsPM/+vNJJLhVT7CsuOLb9iQLDm5Z/LRB+/4M3bxcb6l7XCw12b2GPQrn" +
            "MuOqCi/1leEaiqzWS9B4LkTbKQZZnbMOeR81TKCccj3KiqHU+pJRVp6CcvqzOrGRhd4siy1a1CPsJltpmzOjlDHR462BPV0qUCrU" +
            "66L56/mnazpgFPItcxcMipuZSsGRb2sLlgRl3w5leeTRL/zxLsmnp4+mApkaG+vLdWm7aibO8mJmqlL5ttJdkuZCikLwxxyfKxpg" +
            "E6Q1IQJ0kEVSbadETWkNHuEEDpzz4VoOclXYM+Nsyv6+eOvHlQb0w1Aa1fj+tDCCBUEGCSqGSIb3DQEHAaCCBTIEggUuMIIFKjCC" +
            "BSYGCyqGSIb3DQEMCgECoIIE7jCCBOowHAYKKoZIhvcNAQwBAzAOBAjrLvFNTxfj/QICCAAEggTI2KBJ93llctTmb5Qm7C+nttRt" +
            "ctTL0KLGi7eUlr3GPj4BeIBJQ+uvsCpPUd8pfQXlkS6RFq4CMeFCPLoHi3rf5JrDYuScJI2wfuXvLwjzzjiAeN4TcoM89j7hHlK4" +
            "7+JjWN1ZuLhU/orF/yX+Y2b4K7zw6TEwFboyqJCV/JnozS2fVcnbmIJvu7gpQeXDud9t1ECR4ERws5V7lPNLVSk6W3NSGIAqrCSP" +
            "t1xZ4Ec7qbJ7qCyMdsQ6CPNgluBKgfU5IymQtUMD3FAPPzjAxtBhEGiQa8MZGJ/4xJwc0VHEbbWzNBGlW5sGDuoFQlcBc0quvuE6" +
            "DIbqETXbi9mOy4+6sJSAwWXPXELkQ1Y3B67z0SpZbu9dGlglUfYw8iDx+6QS5Kv3gMDav92TyHK4y7USgSEr09tcEgvvRpX8bJc7" +
            "SCG5vv8p4HenDNkAAZpqd6WPS0K7nMTW8VTqdKDZ2B9rB8Iz/lzIlq2cUGL7WE1iuYcTatOjsaN+5xL4BL6pStQsb14y1gJW4FpX" +
            "CaqNLEkakrsH38CztZSiKGVDwGta9F4mSagwKSwhIvasYUSR00EI4d5w/c1KBcjmrXrUoBOf72OQ1G56dJN89P1UPAlsgTGeEA6F" +
            "g30AVTStQBW7htCG2cRMLtACpGNsoAghjqMP0nGWtTpG2Ai/bWGMClzxz7xXz+fi/0LZnftXI1gjNJYrhLo6VhOejunZhQlHYbcW" +
            "gr1Ym4U5tPGNutwZ4N2H6//S5t28GTOnXC2lkVsomglQbCE6nrGmY6z9MltPBoJbRkKwufwd/qOGZaoFFNAbhcROynom37O58hAp" +
            "Gst2ABXrZKWhvwsOANDphGNpjvi/7x72lrCXUAgqqZEGvkTNkWuVJk1/4guaKUrNrAnMEmjPlNuZD/Y3ezyVdx28VfClorTQX7lb" +
            "0tbT8mxsdbjppjGm3CulGcYaQnYHyx+TQq4uBnnCP+RF3/wyToHtZp1EW+3Rs7RoUr0Ee/O3iLw4lek0MRllzM951CauNNRNvGKi" +
            "/6iThyl4wIlqCWlE8pyHgU7qGakwkODA3lGigG9UEsbmRMBFLvV4UB8QjFzyjELqRZ3n4NbYUcm+YKN/C1BXNjuaZ9hPrDnO27mL" +
            "e0ydf/FOFdAmMoIDhb8pzFE4u1s8vfCpjzHWk+y9bd2Ek02JaxTJ4N+tauakuCWr0wHgpS8WgkwLt0/ITyKTc+fLnDUlAb+3GwDj" +
            "1+gM5Tm91jqlbYd3tp1Epeq7IdbrzBoUM0Q2QGdvFgKO54XvkvyxmPltJZyF1YTHTLZwRbU7+LXxagZiyTQq0pnnFju8FnApm1MR" +
            "lhMMBISY4w70EKR/ZR8V76XhHjjqYjfWXtOW7NMOOqghgueBDh58GH5IytrUofNK23Yd6MbAKgVB5si6CWZdULtzaC92ACevDHU1" +
            "FPhRisCoGxWTTbhDHx21P3U23B8vAGGJbOE36Kz0AKSQ7Qzy6ALs4BfODtIk8tFIqOylzoi9gae/5K4cLWfuwJbDfzeJmYGwQdp2" +
            "cgRGjaRxVjRa5cA0HNAICyoe58CC/MPWbAU8a+BQoNvBhnNyOyWd52Lf7JooQq7Zph+lZVEcVSewCOWa6TkD3z/4Oj6DIfnPRspa" +
            "i39/GNKyMSUwIwYJKoZIhvcNAQkVMRYEFO3791wOZPJVFj224Jz8rajaJ9q+MCswHzAHBgUrDgMCGgQU7Yvatqv9ZjOzqiB9DmoE" +
            "0HwGeqoECG7DLNMBx8a2";

        private static X509Certificate2 Root() { return new X509Certificate2(Convert.FromBase64String(RootDer)); }

        private static X509Certificate2 Pfx(string b64)
        {
            return new X509Certificate2(Convert.FromBase64String(b64), "test", X509KeyStorageFlags.Exportable);
        }

        private static InMemoryNetwork Network(out Agent agent)
        {
            InMemoryNetwork network = new InMemoryNetwork();
            HostServices host = new HostServices();
            host.System = new InMemorySystemInfo();
            host.Network = network;
            agent = new Agent(host);
            return network;
        }

        private static JsonObject Probe(Agent agent, string args)
        {
            AgentReply r = agent.Run("tls.probe", HostOpsTests.B64(args), "");
            Assert.True(r.Ok, r.Line);
            JsonObject envelope = (JsonObject)Json.Parse(r.Line.Substring(Agent.EnvelopeMarker.Length));
            return (JsonObject)envelope.Get("result");
        }

        private static void Unreachable(JsonObject r, string errorContains)
        {
            Assert.Equal(false, r.Get("reachable"), "reachable");
            string error = r.Get("error") as string;
            Assert.True(error != null && error.Contains(errorContains), "error " + Json.Write(error) + " must contain " + Json.Write(errorContains));
            foreach (string k in new string[] { "thumbprint", "subject", "issuer", "not_after", "protocol", "cipher_suite", "chain_status" })
                Assert.True(r.Has(k) && r.Get(k) == null, k + " must be null");
            Assert.Equal(false, r.Get("chain_trusted"), "chain_trusted");
        }

        [Test]
        public void ProbeReportsTheServedCertificate()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            X509Certificate2 leaf = Pfx(LeafPfx);
            network.Serve("127.0.0.1", 4207, leaf, SslProtocols.Tls12);
            network.Roots.Add(Root());
            JsonObject r = Probe(agent, "{\"port\":4207,\"server_name\":\"sage300.example.local\"}");
            string json = Json.Write(r);
            Assert.Equal("{\"reachable\":true,\"error\":null,\"thumbprint\":\"" + leaf.Thumbprint + "\",\"subject\":\"CN=sage300.example.local\"," +
                "\"issuer\":\"CN=Agent Test Root\",\"not_after\":\"2098-06-30T12:00:00Z\",\"protocol\":\"TLS 1.2\",\"cipher_suite\":" +
                Json.Write(r.Get("cipher_suite")) + ",\"chain_trusted\":true,\"chain_status\":null}", json, "result");
            Assert.True(!string.IsNullOrEmpty(r.Get("cipher_suite") as string), "cipher_suite");
            Assert.Equal(1, network.Connects.Count, "connects");
            Assert.Equal("127.0.0.1", network.Connects[0].Host, "default address");
            Assert.Equal(10000, network.Connects[0].TimeoutMilliseconds, "default timeout");
        }

        // The defect: the probe's TcpClient was IPv4-only, so a probe of ::1
        // failed although the endpoint listened there.
        [Test]
        public void ProbeOfIPv6LoopbackConnects()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            network.Serve("::1", 4207, Pfx(LeafPfx), SslProtocols.Tls12);
            JsonObject r = Probe(agent, "{\"address\":\"::1\",\"port\":4207,\"server_name\":\"sage300.example.local\",\"timeout_seconds\":3}");
            Assert.Equal(true, r.Get("reachable"), "reachable: " + Json.Write(r));
            Assert.Equal(AddressFamily.InterNetworkV6, network.Connects[0].Family, "socket family");
            Assert.True(network.Connects[0].DualMode, "the IPv6 socket must be dual-mode");
            Assert.Equal(3000, network.Connects[0].TimeoutMilliseconds, "timeout");
        }

        // The dual-mode socket still reaches IPv4 addresses, and names
        // resolve to both families (localhost: ::1 first).
        [Test]
        public void DualModeSocketReachesIPv4AndNames()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            network.Serve("127.0.0.1", 4207, Pfx(LeafPfx), SslProtocols.Tls12);
            JsonObject r = Probe(agent, "{\"address\":\"localhost\",\"port\":4207}");
            Assert.Equal(true, r.Get("reachable"), "localhost reaches 127.0.0.1: " + Json.Write(r));
            network.Names["sage300.example.local"] = new IPAddress[] { IPAddress.Parse("127.0.0.1") };
            r = Probe(agent, "{\"address\":\"sage300.example.local\",\"port\":4207}");
            Assert.Equal(true, r.Get("reachable"), "a name: " + Json.Write(r));
        }

        // The in-memory network refuses what Winsock refuses: the test above
        // fails for an IPv4-only socket.
        [Test]
        public void InMemoryNetworkRefusesIPv6OnAnIPv4Socket()
        {
            InMemoryNetwork network = new InMemoryNetwork();
            network.Serve("::1", 4207, Pfx(LeafPfx), SslProtocols.Tls12);
            try
            {
                network.Connect(AddressFamily.InterNetwork, false, "::1", 4207, 1000);
                throw new AssertionException("an IPv4 socket connected to ::1");
            }
            catch (ArgumentException e)
            {
                Assert.True(e.Message.StartsWith(InMemoryNetwork.NoAddressFitsText), e.Message);
            }
        }

        [Test]
        public void ClosedPortIsAResult()
        {
            Agent agent;
            Network(out agent);
            JsonObject r = Probe(agent, "{\"port\":4300}");
            Unreachable(r, "actively refused it 127.0.0.1:4300");
            Assert.Equal("{\"reachable\":false,\"error\":\"No connection could be made because the target machine actively refused it 127.0.0.1:4300\"," +
                "\"thumbprint\":null,\"subject\":null,\"issuer\":null,\"not_after\":null,\"protocol\":null,\"cipher_suite\":null," +
                "\"chain_trusted\":false,\"chain_status\":null}", Json.Write(r), "result");
        }

        [Test]
        public void ConnectFailuresAreResults()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            Unreachable(Probe(agent, "{\"address\":\"nowhere.example\",\"port\":443}"), "No such host is known");
            network.FailNext("connect", new Win32Exception(10060, InMemoryNetwork.TimedOutText));
            Unreachable(Probe(agent, "{\"address\":\"10.1.2.3\",\"port\":443}"), "did not properly respond");
        }

        [Test]
        public void HandshakeFailuresAreResults()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            network.Serve("127.0.0.1", 4207, Pfx(LeafPfx), SslProtocols.Tls);
            network.Protocols = SslProtocols.Tls12;
            JsonObject r = Probe(agent, "{\"port\":4207}");
            Assert.Equal(false, r.Get("reachable"), "reachable: " + Json.Write(r));
            Assert.True(!string.IsNullOrEmpty(r.Get("error") as string), "error");
            // SChannel's settings that cannot be read fail the op.
            network.Serve("127.0.0.1", 4207, Pfx(LeafPfx), SslProtocols.Tls12);
            network.FailNext("client_protocols", 5);
            AgentReply failed = agent.Run("tls.probe", HostOpsTests.B64("{\"port\":4207}"), "");
            Assert.True(!failed.Ok && failed.Line.Contains("\"code\":5"), failed.Line);
        }

        [Test]
        public void ClientProtocolsAreAskedFor()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            network.Serve("127.0.0.1", 4207, Pfx(LeafPfx), SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12);
            network.Protocols = SslProtocols.Tls11;
            JsonObject r = Probe(agent, "{\"port\":4207}");
            Assert.Equal("TLS 1.1", r.Get("protocol"), "protocol: " + Json.Write(r));
        }

        [Test]
        public void UntrustedChains()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            network.Serve("127.0.0.1", 4207, Pfx(LeafPfx), SslProtocols.Tls12);
            // The issuer is nowhere: the chain stops at the leaf.
            JsonObject r = Probe(agent, "{\"port\":4207}");
            Assert.Equal(true, r.Get("reachable"), "reachable");
            Assert.Equal(false, r.Get("chain_trusted"), "chain_trusted without the root");
            Assert.Equal("A certificate chain could not be built to a trusted root authority.", r.Get("chain_status"), "chain_status");
            // The root is known (in CA) but not trusted.
            network.Authorities.Add(Root());
            r = Probe(agent, "{\"port\":4207}");
            Assert.Equal(false, r.Get("chain_trusted"), "chain_trusted with the root in CA");
            Assert.Equal("A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider.", r.Get("chain_status"), "chain_status");
        }

        [Test]
        public void ExpiredCertificateIsNotTrusted()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            network.Serve("127.0.0.1", 4207, Pfx(ExpiredPfx), SslProtocols.Tls12);
            network.Roots.Add(Root());
            JsonObject r = Probe(agent, "{\"port\":4207,\"server_name\":\"expired.example.local\"}");
            Assert.Equal(true, r.Get("reachable"), "reachable: " + Json.Write(r));
            Assert.Equal("2024-06-30T12:00:00Z", r.Get("not_after"), "not_after");
            Assert.Equal(false, r.Get("chain_trusted"), "chain_trusted");
            Assert.Equal("A required certificate is not within its validity period when verifying against the current system clock or the timestamp in the signed file.", r.Get("chain_status"), "chain_status");
        }

        [Test]
        public void ChainEngineFailuresFailTheOp()
        {
            Agent agent;
            InMemoryNetwork network = Network(out agent);
            network.Serve("127.0.0.1", 4207, Pfx(LeafPfx), SslProtocols.Tls12);
            network.FailNext("build_chain", 5);
            AgentReply r = agent.Run("tls.probe", HostOpsTests.B64("{\"port\":4207}"), "");
            Assert.True(!r.Ok && r.Line.Contains("\"code\":5"), r.Line);
        }

        [Test]
        public void BadPortIs87()
        {
            Agent agent;
            Network(out agent);
            foreach (string args in new string[] { "{}", "{\"port\":0}", "{\"port\":65536}", "{\"port\":\"443\"}", "{\"port\":4.5}" })
            {
                AgentReply r = agent.Run("tls.probe", HostOpsTests.B64(args), "");
                Assert.True(!r.Ok && r.Line.Contains("\"code\":87") && r.Line.Contains("port: a TCP port between 1 and 65535 is required"), args + ": " + r.Line);
            }
        }

        [Test]
        public void ProtocolNamesAreSChannelKeys()
        {
            Assert.Equal("SSL 3.0", TlsProbeOps.ProtocolName(SslProtocols.Ssl3), "ssl3");
            Assert.Equal("TLS 1.0", TlsProbeOps.ProtocolName(SslProtocols.Tls), "tls");
            Assert.Equal("TLS 1.1", TlsProbeOps.ProtocolName(SslProtocols.Tls11), "tls11");
            Assert.Equal("TLS 1.2", TlsProbeOps.ProtocolName(SslProtocols.Tls12), "tls12");
            Assert.Equal("TLS 1.3", TlsProbeOps.ProtocolName((SslProtocols)12288), "tls13");
        }
    }
}
