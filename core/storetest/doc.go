// Package storetest is the conformance suite every regstack storage adapter
// runs from its own tests: it checks each contract of domain.md §5 (ids,
// uniqueness, exact email matching, expiry boundaries, sub-second times,
// MFA verification) and races many goroutines against every one-time
// operation to prove that exactly one of them wins.
//
// An adapter calls Run (or RunWithOptions) with a Factory that opens a
// fresh, empty, schema-installed store on the clock it is handed:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, clock regstack.Clock) regstack.Store {
//			s, err := mystore.Open(t.Context(), freshURL(t), regstack.StoreOptions{Clock: clock})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			if err := s.InstallSchema(t.Context()); err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// Backends that keep coarser times or other id formats than SQL say so
// with RunWithOptions.
//
// Clock is a controllable regstack.Clock that other tests may use as well.
package storetest
