package account

import (
	"context"
	"errors"
	"testing"

	"github.com/accountd/accountd/models"
)

// org puts users in a new organisation with the given roles (user id -> role).
func org(t *testing.T, s *Service, roles map[string]string) {
	t.Helper()
	o, err := s.CreateOrganization(context.Background(), "org")
	if err != nil {
		t.Fatal(err)
	}
	for user, role := range roles {
		if err := s.db.Create(&models.Membership{OrganizationID: o.ID, UserID: user, Role: role, CreatedAt: s.now()}).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func TestMayManage(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, _ *testClock) {
		admin := makeUser(t, s, "admin@a.example")
		member := makeUser(t, s, "member@a.example")
		member2 := makeUser(t, s, "member2@a.example")
		admin2 := makeUser(t, s, "admin2@a.example")
		business := makeUser(t, s, "business@a.example")
		outsider := makeUser(t, s, "member@b.example")
		// A member of A who is a business admin elsewhere is an admin all the same.
		adminElsewhere := makeUser(t, s, "both@a.example")
		org(t, s, map[string]string{admin: models.RoleSiteAdmin, member: models.RoleMember, member2: models.RoleMember,
			admin2: models.RoleSiteAdmin, business: models.RoleBusinessAdmin, adminElsewhere: models.RoleMember})
		org(t, s, map[string]string{outsider: models.RoleMember, adminElsewhere: models.RoleBusinessAdmin})
		cases := []struct {
			name          string
			actor, target string
			ok            bool
		}{
			{"self", member, member, true},
			{"admin on self", admin, admin, true},
			{"site admin on a member", admin, member, true},
			{"site admin on another site admin", admin, admin2, false},
			{"site admin on a business admin", admin, business, false},
			{"site admin on a member who is an admin elsewhere", admin, adminElsewhere, false},
			{"site admin on a user of another organisation", admin, outsider, false},
			{"site admin on nobody", admin, "nobody", false},
			{"member on another member", member, member2, false},
			{"member on the site admin", member, admin, false},
			{"business admin on a member", business, member, false},
			{"user of another organisation on a member", outsider, member, false},
		}
		for _, c := range cases {
			err := mayManage(s.db.DB, c.actor, c.target)
			var e *Error
			switch {
			case c.ok && err != nil:
				t.Errorf("%s: %v, want allowed", c.name, err)
			case !c.ok && (!errors.As(err, &e) || e.Kind != KindForbidden || e.Code != CodeNotPermitted):
				t.Errorf("%s: %v, want forbidden/not_permitted", c.name, err)
			}
		}
	})
}
